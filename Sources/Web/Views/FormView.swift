import Foundation
import HTTP

/// A form's fields, typed values and errors, shaped for the `partials/field` and
/// `partials/error-summary` templates (GOV.UK pattern: summary on top, message by the field).
public struct FormView: Sendable {
    public struct Field: Sendable {
        public var name: String
        public var labelKey: String
        public var type = "text"
        public var autocomplete: String?
        public var hintKey: String?
        public var keepValue = true
        public var required = true
        /// For `<select>` fields: (value, label key or literal label).
        public var options: [(value: String, label: String)] = []

        public init(
            name: String, labelKey: String, type: String = "text", autocomplete: String? = nil,
            hintKey: String? = nil, keepValue: Bool = true, required: Bool = true,
            options: [(value: String, label: String)] = []
        ) {
            self.name = name
            self.labelKey = labelKey
            self.type = type
            self.autocomplete = autocomplete
            self.hintKey = hintKey
            self.keepValue = keepValue
            self.required = required
            self.options = options
        }
    }

    public var fields: [Field]
    public var values: [String: String] = [:]
    public private(set) var errors: [(field: String, key: String)] = []

    public init(_ fields: [Field]) { self.fields = fields }

    public var isValid: Bool { errors.isEmpty }

    public mutating func fail(_ field: String, _ messageKey: String) {
        if !errors.contains(where: { $0.field == field }) { errors.append((field, messageKey)) }
    }

    /// Copies submitted values and flags empty required fields.
    public mutating func read(_ form: FormDataLike, emptyKey: String = "form.required") {
        for f in fields {
            let v = form.value(f.name)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            values[f.name] = v
            if f.type == "checkbox" {
                values[f.name] = v.isEmpty ? nil : "1"
            } else if f.required && v.isEmpty {
                fail(f.name, emptyKey)
            }
        }
    }

    /// `fields.<name>` for the field partial, `errorSummary` for the summary.
    func context(_ ctx: RequestContext) -> [String: Any] {
        var byName = [String: Any]()
        for f in fields {
            var d: [String: Any] = ["id": "f-\(f.name)", "name": f.name, "type": f.type, "label": ctx.text(f.labelKey)]
            if f.keepValue, let v = values[f.name], !v.isEmpty { d["value"] = v }
            if let a = f.autocomplete { d["autocomplete"] = a }
            if let h = f.hintKey { d["hint"] = ctx.text(h) }
            if let e = errors.first(where: { $0.field == f.name }) { d["error"] = ctx.text(e.key) }
            if !f.options.isEmpty {
                d["options"] = f.options.map { ["value": $0.value, "label": $0.label, "selected": $0.value == values[f.name]] }
            }
            byName[f.name] = d
        }
        var out: [String: Any] = ["fields": byName]
        if !errors.isEmpty {
            out["errorSummary"] = ["items": errors.map { ["href": "#f-\($0.field)", "text": ctx.text($0.key)] }]
        }
        return out
    }
}

/// Lets FormView read from HTTP's FormData without tying it to that type.
public protocol FormDataLike { func value(_ name: String) -> String? }

extension FormData: FormDataLike {
    public func value(_ name: String) -> String? { self[name] }
}
