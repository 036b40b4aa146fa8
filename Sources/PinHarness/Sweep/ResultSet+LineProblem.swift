// MARK: - One line per damaged line

extension ResultSet {
    /// What is wrong with line `line` of the JSON Lines file at `path`, as one line: the file,
    /// the line, the field, its value and what is allowed (or what is malformed), and what to do.
    /// A `DecodingError`'s own description is pages of context; this is what a reader acts on.
    static func lineProblem(_ path: String, line: Int, _ error: any Error) -> String {
        let place = "\(path) line \(line)"
        if let error = error as? FieldRangeError {
            return "\(place): \(error); remove or repair that line (pinbench never writes such a value)"
        }
        let problem: String
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            problem = "field \(fieldPath(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context)?:
            problem = "field \(fieldPath(context.codingPath)) is not \(typeName(type))"
        case .valueNotFound(let type, let context)?:
            problem = "field \(fieldPath(context.codingPath)) is null, not \(typeName(type))"
        case .dataCorrupted(let context)?:
            problem = context.codingPath.isEmpty
                ? "not a JSON object (\(firstLine(context.debugDescription)))"
                : "field \(fieldPath(context.codingPath)): \(firstLine(context.debugDescription))"
        default:
            problem = firstLine("\(error)")
        }
        return "\(place): \(problem); remove or repair that line"
    }

    /// `perThread[2].pinBusySeconds`.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text.isEmpty ? "(the line)" : text
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: "a whole number"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "a \(type)"
        }
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
    }
}
