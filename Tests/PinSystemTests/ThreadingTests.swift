#if canImport(Glibc)
import Glibc
#endif
import PinSystem
import Synchronization
import Testing

@Suite("Bound threads, barrier, latch and event")
struct ThreadingTests {
    @Test("a thread bound to one CPU runs there")
    func binds() throws {
        let cpu = CPUSet.allowed().last!
        let seen = Mutex<[Int]>([])
        let thread = try BoundThread.spawn(cpus: [cpu]) {
            for _ in 0..<100 { seen.withLock { $0.append(CPUSet.current()) } }
        }
        thread.join()
        #expect(seen.withLock { $0 }.allSatisfy { $0 == cpu })
    }

    @Test("binding to a CPU that does not exist is an error, not a crash")
    func badCPU() {
        #expect(throws: SystemError.self) { try BoundThread.spawn(cpus: [100_000]) {} }
    }

    @Test("the barrier holds every worker until released, and counts arrivals per generation")
    func barrier() throws {
        let workers = 4
        let barrier = StartBarrier(parties: workers)
        let phase = Atomic<Int>(0)
        let sawGo = Atomic<Int>(0)
        let threads = try (0..<workers).map { _ in
            try BoundThread.spawn {
                barrier.arriveAndWait()
                if phase.load(ordering: .acquiring) == 1 { sawGo.add(1, ordering: .relaxed) }
                barrier.arrive()
            }
        }
        barrier.waitForArrivals()
        phase.store(1, ordering: .releasing)
        barrier.release()
        barrier.waitForArrivals()
        threads.forEach { $0.join() }
        #expect(sawGo.load(ordering: .relaxed) == workers)
    }

    @Test("an opened barrier lets late workers through")
    func opened() throws {
        let barrier = StartBarrier(parties: 3)
        barrier.open()
        let thread = try BoundThread.spawn { barrier.arriveAndWait() }
        thread.join()
    }

    @Test("latch and event hand work across threads")
    func latchAndEvent() throws {
        let latch = CountdownLatch()
        latch.arm(3)
        let event = ThreadEvent()
        let count = Atomic<Int>(0)
        let threads = try (0..<3).map { _ in
            try BoundThread.spawn {
                count.add(1, ordering: .relaxed)
                latch.countDown()
            }
        }
        latch.wait()
        #expect(count.load(ordering: .relaxed) == 3)
        let waiter = try BoundThread.spawn { event.wait() }
        event.signal()
        waiter.join()
        threads.forEach { $0.join() }
    }

    @Test("an event keeps a signal sent before the wait, and the wait consumes it")
    func eventKeepsEarlySignal() throws {
        let event = ThreadEvent()
        event.signal()
        event.wait()  // the pending signal: returns at once
        let woke = Atomic<Bool>(false)
        let waiter = try BoundThread.spawn {
            event.wait()
            woke.store(true, ordering: .relaxed)
        }
        usleep(20_000)
        #expect(woke.load(ordering: .relaxed) == false, "the first wait must have consumed the signal")
        event.signal()
        waiter.join()
        #expect(woke.load(ordering: .relaxed) == true)
    }

    @Test("event and latch hand 20,000 jobs back and forth without losing a wake-up")
    func pingPong() throws {
        let go = ThreadEvent()
        let done = CountdownLatch()
        let rounds = 20_000
        let handled = Atomic<Int>(0)
        let helper = try BoundThread.spawn {
            for _ in 0..<rounds {
                go.wait()
                handled.add(1, ordering: .relaxed)
                done.countDown()
            }
        }
        for round in 1...rounds {
            done.arm(1)
            go.signal()
            done.wait()
            #expect(handled.load(ordering: .relaxed) == round)
            if handled.load(ordering: .relaxed) != round { break }
        }
        helper.join()
    }

    @Test("a latch armed with zero does not wait")
    func latchArmedWithZero() {
        let latch = CountdownLatch()
        latch.arm(0)
        latch.wait()
    }
}
