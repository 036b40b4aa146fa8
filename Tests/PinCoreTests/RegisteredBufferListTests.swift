import PinCore
import Testing

@Suite("RegisteredBufferList: io_uring's fdinfo list of fixed buffers")
struct RegisteredBufferListTests {
    // As 7.2's io_uring/fdinfo.c prints it (empty slots as <none>), between other sections.
    let text72 = """
        SqThreadCpu:\t-1
        UserFiles:\t0
        UserBufs:\t3
            0: 0x7f3a00000000/1073741824
            1: <none>
            2: 0x7f3a40000000/65536
        PollList:
        CqOverflowList:

        """

    @Test("7.2's format: buffers summed, empty slots left out, the next section not read")
    func format72() throws {
        let list = try #require(try RegisteredBufferList(fdinfo: text72))
        #expect(list.slots == 3)
        #expect(list.buffers == [.init(address: 0x7f3a_0000_0000, length: 1 << 30), .init(address: 0x7f3a_4000_0000, length: 65536)])
        #expect(list.bytes == (1 << 30) + 65536)
    }

    @Test("6.12's format (%u lengths, no empty slots) and an empty list")
    func format612() throws {
        let list = try #require(try RegisteredBufferList(fdinfo: "UserBufs:\t1\n    0: 0x1000/4096\nPersonalities:\n"))
        #expect(list.bytes == 4096)
        let empty = try #require(try RegisteredBufferList(fdinfo: "UserBufs:\t0\nPollList:\n"))
        #expect(empty.buffers.isEmpty && empty.slots == 0)
    }

    @Test("no UserBufs line: not a list (nil), never an empty one")
    func absent() throws {
        #expect(try RegisteredBufferList(fdinfo: "pos:\t0\nflags:\t02\n") == nil)
    }

    @Test("values out of range or unreadable are refused, not summed", arguments: [
        "UserBufs:\tlots\n",
        "UserBufs:\t99999999\n",
        "UserBufs:\t1\n    0: 0x1000/2147483648\n",
        "UserBufs:\t1\n    0: 0x1000/-1\n",
        "UserBufs:\t1\n    0: 1000/4096\n",
        "UserBufs:\t1\n    0: 0xzz/4096\n",
        "UserBufs:\t1\n    5: 0x1000/4096\n",
        "UserBufs:\t2\n    0: 0x1000/4096\n    0: 0x2000/4096\n",
        "UserBufs:\t1\n    0: 0x10000000000000000/4096\n",
    ])
    func refused(text: String) {
        #expect(throws: RegisteredBufferListError.self) { try RegisteredBufferList(fdinfo: text) }
    }
}
