/// A position in points (1/72 inch). PDF's origin is the bottom-left corner of the page and y
/// grows upwards; `PDFLayout` offers a top-down cursor instead.
public struct PDFPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A rectangle in points; (x, y) is its bottom-left corner.
public struct PDFRect: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// RGB, each component from 0 to 1.
public struct PDFColor: Sendable, Equatable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }
    public init(gray: Double) { self.init(red: gray, green: gray, blue: gray) }

    public static let black = PDFColor(gray: 0)
    public static let white = PDFColor(gray: 1)
}

/// Where a line of text sits relative to the x it is given.
public enum PDFAlignment: Sendable, Equatable {
    case left, center, right
}

/// Margins in points.
public struct PDFMargins: Sendable, Equatable {
    public var top: Double
    public var left: Double
    public var bottom: Double
    public var right: Double
    public init(top: Double, left: Double, bottom: Double, right: Double) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }
    public init(all: Double) { self.init(top: all, left: all, bottom: all, right: all) }

    /// 2 cm all round, usual for French administrative letters.
    public static let letter = PDFMargins(all: 2 * pointsPerCentimetre)
}

/// 72 points per inch, 2.54 cm per inch.
public let pointsPerCentimetre = 72 / 2.54
