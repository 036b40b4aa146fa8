import Foundation
import PinBackends
import PinContract
import PinCore
import Testing

/// `--dirty-tracking`: which tracker over which `--vfio`, refused in one line otherwise, and
/// kept through the options' JSON.
@Suite("dirty tracking: --dirty-tracking parsing and refusals")
struct DirtyTrackingOptionsTests {
    static func options(_ pairs: [(BackendOption, String)]) throws(BackendOptionError) -> VFIOOptions {
        var arguments = BackendArguments()
        for (option, value) in pairs { arguments.set(option, value) }
        return try VFIOOptions(arguments: arguments)
    }

    @Test("each tracker over its own mapper", arguments: [
        ("type1", "type1:12", DirtyTrackingMode.type1),
        ("iommufd", "iommufd:vfio0", DirtyTrackingMode.iommufd),
    ])
    func accepted(tracker: String, vfio: String, mode: DirtyTrackingMode) throws {
        let options = try Self.options([(.vfio, vfio), (.dirtyTracking, tracker)])
        #expect(options.dirtyTracking == mode)
        #expect(options.description.hasSuffix(", dirty-tracking \(tracker)"))
        #expect(!options.capabilities.contains(.splitsCalls))
    }

    @Test("iommufd-mock needs no --vfio, and its label, description and record say MOCK")
    func mock() throws {
        let options = try Self.options([(.dirtyTracking, "iommufd-mock")])
        #expect(options.dirtyTracking == .iommufdMock && options.dirtyTracking?.isMock == true)
        #expect(options.label.contains("MOCK") && options.description.contains("MOCK") && options.recorded?.contains("MOCK") == true)
        #expect(!options.capabilities.contains(.splitsCalls))
        #expect(options.refusal(prefault: false, strategies: [.kernel]) != nil)
        #expect(options.refusal(prefault: false, strategies: [.single, .user]) == nil)
    }

    @Test("a tracker over another mapper is refused naming what each needs", arguments: [
        ("type1", nil), ("type1", "iommufd:vfio0"), ("iommufd", "type1:3"), ("iommufd", nil), ("iommufd-mock", "type1:3"),
        ("iommufd-mock", "iommufd:vfio0"), ("iommufd", "iommufd-file:vfio0"),
    ] as [(String, String?)])
    func refused(tracker: String, vfio: String?) {
        var pairs: [(BackendOption, String)] = [(.dirtyTracking, tracker)]
        if let vfio { pairs.append((.vfio, vfio)) }
        #expect {
            try Self.options(pairs)
        } throws: { error in
            let text = "\(error)"
            return text.contains("--dirty-tracking") && text.contains("--vfio") && !text.contains("\n")
        }
    }

    @Test("an unknown tracker, and the shim's models beside the mock, are refused")
    func unknownAndModels() {
        #expect(throws: BackendOptionError.self) { try Self.options([(.dirtyTracking, "iommu")]) }
        #expect(throws: BackendOptionError.self) { try Self.options([(.dirtyTracking, "iommufd-mock"), (.containerLock, "iommufd")]) }
        #expect(throws: BackendOptionError.self) { try Self.options([(.dirtyTracking, "iommufd-mock"), (.lockedVM, "cached:64")]) }
    }

    @Test("the options' JSON keeps the tracker, and reads JSON from before it as none")
    func codable() throws {
        for options in [VFIOOptions(path: .type1(group: "/dev/vfio/12"), dirtyTracking: .type1), VFIOOptions(dirtyTracking: .iommufdMock),
                        VFIOOptions()] {
            let decoded = try JSONDecoder().decode(VFIOOptions.self, from: JSONEncoder().encode(options))
            #expect(decoded == options)
        }
        let old = #"{"path":"shim","lockedVM":"shared","containerLock":"type1"}"#
        #expect(try JSONDecoder().decode(VFIOOptions.self, from: Data(old.utf8)).dirtyTracking == nil)
        let bad = #"{"path":"shim","lockedVM":"shared","containerLock":"type1","dirtyTracking":"x"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(VFIOOptions.self, from: Data(bad.utf8)) }
    }
}
