import Foundation
import I18n
import Mustache
import XCTest

@testable import Web

/// Escaping stays on by default: every page template is rendered with a hostile string in
/// every slot it uses, and each one must come out escaped. A slot written `{{{x}}}` or `{{&x}}`
/// must be listed below with its reason, or this test fails.
final class TemplateEscapingTests: XCTestCase {
    /// Unescaped slots allowed in page templates: (template, slot, why). None today: every value,
    /// the catalogue's text included, is escaped.
    static let unescapedAllowlist: [(template: String, slot: String, reason: String)] = []

    func testEveryTemplateEscapesEverySlot() throws {
        let sources = try ViewLibrary(directory: projectRoot + "/Views", catalogues: catalogues()).sources
        var checked = 0
        let problems = try Self.escapingProblems(sources, catalogues: catalogues(), checked: &checked)
        XCTAssertEqual(problems, [], problems.joined(separator: "\n"))
        // Every page template, and the slots found in them, not a handful.
        XCTAssertGreaterThan(sources.count, 50)
        XCTAssertGreaterThan(checked, 300, "slots checked")
    }

    /// The check itself: one slot turned into a triple mustache is caught, twice over (the
    /// allowlist and the rendered page).
    func testATripleMustacheSlotIsCaught() throws {
        var sources = try ViewLibrary(directory: projectRoot + "/Views", catalogues: catalogues()).sources
        let field = try XCTUnwrap(sources["partials/field"])
        XCTAssertTrue(field.contains("{{value}}"))
        sources["partials/field"] = field.replacingOccurrences(of: "{{value}}", with: "{{{value}}}")
        var checked = 0
        let problems = try Self.escapingProblems(sources, catalogues: catalogues(), checked: &checked)
        XCTAssertTrue(problems.contains { $0.contains("partials/field") && $0.contains("not in the allowlist") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("partials/field") && $0.contains("raw") }, "\(problems)")
    }

    /// The compiled templates render exactly what the per-request lookup of `t` rendered.
    func testCompiledCatalogueRendersAsTheLookupDid() throws {
        let cats = try catalogues()
        let views = try ViewLibrary(directory: projectRoot + "/Views", catalogues: cats)
        var raw = [String: MustacheTemplate]()
        for (name, text) in views.sources { raw[name] = try MustacheTemplate(string: text) }
        let dynamic = MustacheLibrary(templates: raw)
        for language in Language.supported {
            for name in views.names {
                let slots = try Self.slots(of: views.compiled[language.code]![name]!, name: name)
                var context = Self.context(for: slots, falsy: false, template: name)
                let compiled = views.render(name, context, language: language)
                // What the compiled templates no longer need from the request.
                context["t"] = cats[language].tree
                context["lang"] = ["code": language.code, "dir": language.dir, "beta": language.isBeta]
                context["languages"] = Language.supported.map { ["code": $0.code, "name": $0.nativeName, "current": $0 == language] }
                XCTAssertEqual(compiled, dynamic.render(context, withTemplate: name), "\(name) in \(language.code)")
            }
        }
    }

    func testCatalogueTextIsEscapedAndCheckedWhenCompiled() throws {
        let hostile = #"{"app": {"name": "<b>A & B's \"portal\"</b>"}}"#
        let french = try Catalogue(language: .french, json: Data(hostile.utf8))
        let html = try compiled("<title>{{t.app.name}}</title>|{{{t.app.name}}}", french)
        XCTAssertEqual(html, "<title>&lt;b&gt;A &amp; B&#39;s &quot;portal&quot;&lt;/b&gt;</title>|<b>A & B's \"portal\"</b>")

        for text in ["{{#user}}x{{/user}}", "a }} b", "ends with {", "} starts"] {
            let json = try JSONSerialization.data(withJSONObject: ["app": ["name": text]])
            let cat = try Catalogue(language: .french, json: json)
            XCTAssertThrowsError(try ViewLibrary.compile("{{t.app.name}}", name: "x", catalogue: cat), text) { error in
                XCTAssertTrue("\(error)".contains("would inject Mustache syntax"), "\(error)")
            }
        }
        XCTAssertThrowsError(try ViewLibrary.compile("{{t.app.nope}}", name: "x", catalogue: french)) { error in
            XCTAssertTrue("\(error)".contains("t.app.nope"), "\(error)")
        }
        XCTAssertThrowsError(try ViewLibrary.compile("{{#t.app}}{{name}}{{/t.app}}", name: "x", catalogue: french))
        // A text with a {{placeholder}} is the code's to fill: a template may not show it raw.
        let placeholder = try Catalogue(language: .french, json: Data(#"{"a": {"b": "wait {{count}} min"}}"#.utf8))
        XCTAssertThrowsError(try compiled("{{t.a.b}}", placeholder))
        let braces = try Catalogue(language: .french, json: Data(#"{"a": {"b": "a {single} brace"}}"#.utf8))
        XCTAssertEqual(try compiled("{{t.a.b}}", braces), "a {single} brace")
    }

    func testStartUpRefusesACatalogueTextThatInjectsMustache() throws {
        let cats = try catalogues()
        var byCode = cats.byCode
        var tree = cats[.english].tree
        var app = try XCTUnwrap(tree["app"] as? [String: Any])
        app["name"] = "{{csrf}}"
        tree["app"] = app
        byCode["en"] = try Catalogue(language: .english, json: JSONSerialization.data(withJSONObject: tree))
        XCTAssertThrowsError(try ViewLibrary(directory: projectRoot + "/Views", catalogues: Catalogues(byCode))) { error in
            XCTAssertTrue("\(error)".contains("catalogue en: app.name"), "\(error)")
        }
    }

    /// The compiled text without the content-type pragma line every template starts with.
    func compiled(_ text: String, _ catalogue: Catalogue) throws -> String {
        let out = try ViewLibrary.compile(text, name: "x", catalogue: catalogue)
        return String(out.drop { $0 != "\n" }.dropFirst())
    }

    // MARK: the check

    func catalogues() throws -> Catalogues { try Catalogues(directory: projectRoot + "/Locales") }

    struct Slots {
        /// Names printed with `{{x}}` (checked to come out escaped).
        var escaped = Set<String>()
        var unescaped = Set<String>()
        var sections = Set<String>()
        var inverted = Set<String>()
        /// Names given to a transform (`empty(documents)`): they hold lists.
        var lists = Set<String>()
        /// Sections whose body prints the element itself (`{{#steps}}{{.}}{{/steps}}`).
        var printsElement = Set<String>()
    }

    static func slots(of text: String, name: String) throws -> Slots {
        var slots = Slots()
        var open = [String]()
        for case .tag(let tag) in try MustacheTags.split(text, name: name) where !tag.isCatalogue {
            var slotName = tag.name
            if let paren = slotName.firstIndex(of: "("), slotName.hasSuffix(")") {
                slotName = String(slotName[slotName.index(after: paren)..<slotName.index(before: slotName.endIndex)])
                slots.lists.insert(slotName)
            }
            switch tag.kind {
            case .escaped where slotName == ".": if let top = open.last { slots.printsElement.insert(top) }
            case .escaped: slots.escaped.insert(slotName)
            case .unescaped: slots.unescaped.insert(slotName)
            case .section:
                slots.sections.insert(slotName)
                open.append(slotName)
            case .inverted:
                slots.inverted.insert(slotName)
                open.append(slotName)
            case .close: if !open.isEmpty { open.removeLast() }
            default: break
            }
        }
        return slots
    }

    static func hostile(_ slot: String) -> String { "<x-h \(slot)>\"'&" }
    static func escapedHostile(_ slot: String) -> String { "&lt;x-h \(slot)&gt;&quot;&#39;&amp;" }

    /// A hostile value for every slot. Sections are shown (`falsy` false) or, for names used in
    /// an inverted section, hidden (`falsy` true) so that both branches are rendered once.
    /// Slots that live in a section's object and share a name with the page frame's (the
    /// notice's second sheet: `{{#own}}…{{lang}}` is the person's language, not the page's).
    static let sectionObjects: [String: [String: [String]]] = ["agents/notice": ["own": ["lang", "dir"]]]

    static func context(for slots: Slots, falsy: Bool, template: String) -> [String: Any] {
        var root = [String: Any]()
        let inObjects = sectionObjects[template] ?? [:]
        let objectSlots = Set(inObjects.values.joined())
        func set(_ path: String, _ value: Any) {
            let parts = path.split(separator: ".").map(String.init)
            func put(_ dict: inout [String: Any], _ i: Int) {
                if i == parts.count - 1 {
                    if dict[parts[i]] is [String: Any] { return }  // a.b also used as a.b.c: keep the dict
                    dict[parts[i]] = value
                    return
                }
                var child = dict[parts[i]] as? [String: Any] ?? [:]
                put(&child, i + 1)
                dict[parts[i]] = child
            }
            put(&root, 0)
        }
        for name in slots.sections.union(slots.inverted).sorted() {
            let hide = falsy && slots.inverted.contains(name)
            if slots.lists.contains(name) || slots.printsElement.contains(name) {
                set(name, hide ? [String]() : [hostile(name)])
            } else {
                set(name, hide ? false : true)
            }
        }
        // Values last: a name both printed and used as a section holds the hostile string
        // (a non-empty string shows its section).
        for name in slots.escaped.union(slots.unescaped).subtracting(objectSlots).sorted() where !(falsy && slots.inverted.contains(name)) {
            set(name, hostile(name))
        }
        for (section, names) in inObjects where root[section] != nil && !(falsy && slots.inverted.contains(section)) {
            root[section] = Dictionary(uniqueKeysWithValues: names.map { ($0, hostile($0)) })
        }
        return root
    }

    static func escapingProblems(_ sources: [String: String], catalogues: Catalogues, checked: inout Int) throws -> [String] {
        let views = try ViewLibrary(sources: sources, catalogues: catalogues)
        var problems = [String]()
        let allowed = Set(unescapedAllowlist.map { "\($0.template) \($0.slot)" })
        for name in views.names {
            let source = views.sources[name]!
            for case .tag(let tag) in try MustacheTags.split(source, name: name) where tag.kind == .unescaped {
                if !allowed.contains("\(name) \(tag.name)") {
                    problems.append("\(name): \(tag.source) is unescaped and not in the allowlist")
                }
            }
            var seen = Set<String>()
            var slots = Slots()
            for language in Language.supported {
                // The slots left for the request: what the compiled template still asks for.
                slots = try Self.slots(of: views.compiled[language.code]![name]!, name: name)
                for falsy in [false, true] {
                    let html = views.render(name, context(for: slots, falsy: falsy, template: name), language: language)
                    if html.contains("<x-h") {
                        problems.append("\(name) (\(language.code)): a hostile value is printed raw")
                    }
                    for slot in slots.escaped.union(slots.printsElement) where html.contains(escapedHostile(slot)) {
                        seen.insert(slot)
                    }
                }
            }
            // A slot never reached would be a slot never checked. `a` printed and also used as
            // `a.b` holds a dictionary here; its own value is checked where it is a leaf.
            let shadowed = Set(slots.escaped.filter { s in slots.escaped.union(slots.sections).contains { $0.hasPrefix(s + ".") } })
            checked += seen.count
            for slot in slots.escaped.union(slots.printsElement).subtracting(seen).subtracting(shadowed).sorted() {
                problems.append("\(name): slot \(slot) was never rendered")
            }
        }
        return problems
    }
}

extension TemplateEscapingTests {
    /// The applicant space's typed model renders what the same values as a dictionary page
    /// render: escaped, an empty text printing nothing and hiding its section.
    func testTypedSpacePageRendersAsItsDictionary() throws {
        let views = try ViewLibrary(directory: projectRoot + "/Views", catalogues: catalogues())
        let deadlines: [[String: Any]] = [["title": Self.hostile("title"), "until": "1 mars", "left": "", "urgent": true]]
        let row = ApplicantSpacePage.Row(
            href: "/usager/documents/x?a=1&b=<2>", kind: Self.hostile("kind"), deposited: "",
            isNew: true, notification: Self.hostile("notification"),
            deadlines: PageValues.normalized(deadlines), interview: nil)
        let model = ApplicantSpacePage(name: Self.hostile("name"), agdref: "", lastLogin: "", noContacts: true, documents: [row])
        let frame: [String: Any] = ["title": "T", "switcherHref": "/?"]
        let dict: [String: Any] = [
            "name": Self.hostile("name"), "agdref": "", "lastLogin": "", "noContacts": true, "hasDocuments": true,
            "documents": [
                [
                    "href": row.href, "kind": row.kind, "deposited": "", "isNew": true,
                    "notification": row.notification, "deadlines": deadlines,
                ]
            ],
        ]
        for language in Language.supported {
            let typed = views.render("usager/home", PageContext(frame: frame, model: model), language: language)
            XCTAssertEqual(
                typed, views.render("usager/home", dict.mapValues(PageValues.normalized).merging(frame) { $1 }, language: language))
            XCTAssertFalse(typed.contains("<x-h"))
            XCTAssertTrue(typed.contains(Self.escapedHostile("notification")) && typed.contains("b=&lt;2&gt;"))
        }
    }

    /// The followed person's typed model answers every name the dashboard's rows and the person
    /// page ask for, as the same values as dictionaries would: escaped, an empty text printing
    /// nothing, the flags and documents sections shown only when there are some.
    func testTypedFollowedPersonRendersAsItsDictionary() throws {
        let views = try ViewLibrary(directory: projectRoot + "/Views", catalogues: catalogues())
        let document = FollowedPersonView.Document(
            category: Self.hostile("category"), deposited: Self.hostile("deposited"), notified: Self.hostile("notified"), interview: "")
        let people = [
            FollowedPersonView(
                id: 7, name: Self.hostile("name"), agdref: Self.hostile("agdref"), registered: Self.hostile("registered"),
                space: Self.hostile("space"), lastLogin: "", hasPhone: Self.hostile("hasPhone"), hasEmail: Self.hostile("hasEmail"),
                flags: [Self.hostile("flag")], documents: [document]),
            FollowedPersonView(
                id: 8, name: "B", agdref: "", registered: "r", space: "s", lastLogin: "l", hasPhone: "p", hasEmail: "e", flags: [],
                documents: []),
        ]
        func dictionary(_ v: FollowedPersonView) -> [String: Any] {
            [
                "id": v.id, "name": v.name, "agdref": v.agdref, "registered": v.registered, "space": v.space,
                "lastLogin": v.lastLogin, "hasPhone": v.hasPhone, "hasEmail": v.hasEmail, "flags": v.flags,
                "hasFlags": !v.flags.isEmpty, "hasDocuments": !v.documents.isEmpty,
                "documents": v.documents.map {
                    ["category": $0.category, "deposited": $0.deposited, "notified": $0.notified, "interview": $0.interview]
                },
            ]
        }
        let frame: [String: Any] = ["title": "T", "switcherHref": "/?", "hasPeople": true]
        for language in Language.supported {
            let typed = views.render(
                "pro/dashboard", ["people": people].mapValues(PageValues.normalized).merging(frame) { $1 }, language: language)
            let dict = views.render(
                "pro/dashboard", ["people": people.map(dictionary)].mapValues(PageValues.normalized).merging(frame) { $1 },
                language: language)
            XCTAssertEqual(typed, dict)
            XCTAssertFalse(typed.contains("<x-h"))
            for name in ["name", "agdref", "registered", "space", "hasPhone", "hasEmail", "flag", "category", "notified"] {
                XCTAssertTrue(typed.contains(Self.escapedHostile(name)), "\(language.code): \(name)")
            }
            XCTAssertEqual(typed.components(separatedBy: "class=\"flags\"").count, 2, "one person has flags")
            XCTAssertEqual(typed.components(separatedBy: "<table").count, 2, "one person has documents")
            for person in people {
                let page = views.render("pro/person", PageContext(frame: frame, model: person), language: language)
                XCTAssertEqual(
                    page,
                    views.render(
                        "pro/person", dictionary(person).mapValues(PageValues.normalized).merging(frame) { $1 }, language: language))
                XCTAssertFalse(page.contains("<x-h"))
            }
        }
    }
}

extension TemplateEscapingTests {
    /// A field names in aria-describedby only the hint and the error it shows: never an empty
    /// IDREF list (`aria-describedby=""`, refused by the Nu HTML validator), escaped as any slot.
    func testFieldsDescribeOnlyTheHintAndErrorTheyShow() throws {
        let views = try ViewLibrary(directory: projectRoot + "/Views", catalogues: catalogues())
        for partial in ["partials/field", "partials/password"] {
            func input(hint: String?, error: String?) -> String {
                var context: [String: Any] = ["id": "f-x", "name": "x", "type": "text", "label": Self.hostile("label")]
                context["hint"] = hint
                context["error"] = error
                let html = views.render(partial, context, language: .french)
                return html.range(of: "<input[^>]*>", options: .regularExpression).map { String(html[$0]) } ?? html
            }
            XCTAssertFalse(input(hint: nil, error: nil).contains("aria-describedby"), partial)
            XCTAssertTrue(input(hint: Self.hostile("hint"), error: nil).contains(#" aria-describedby="f-x-hint" "#), partial)
            XCTAssertTrue(input(hint: nil, error: Self.hostile("error")).contains(#" aria-describedby="f-x-error" "#), partial)
            let both = input(hint: Self.hostile("hint"), error: Self.hostile("error"))
            XCTAssertTrue(both.contains(#" aria-describedby="f-x-hint f-x-error" "#), "\(partial): \(both)")
            XCTAssertTrue(both.contains(#" aria-invalid="true""#), partial)
        }
    }
}
