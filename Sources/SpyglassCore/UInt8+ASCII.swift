extension UInt8 {
    package var isASCIIUpper: Bool { self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z") }
    package var isASCIILower: Bool { self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z") }
    package var isASCIILetter: Bool { isASCIIUpper || isASCIILower }
    package var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    package var isASCIIAlphanumeric: Bool { isASCIIUpper || isASCIILower || isASCIIDigit }
    package var asciiLowercased: UInt8 { isASCIIUpper ? self | 0x20 : self }
}
