/// The astronomy under the lunar calendar: instants of new moon, the Sun's apparent longitude
/// and ΔT, from Jean Meeus, *Astronomical Algorithms* (2nd ed.), chapters 49 (phases of the
/// Moon), 25 (solar coordinates, lower accuracy) and the Espenak–Meeus ΔT polynomials.
///
/// Times are Julian days: `JDE` in Terrestrial Time, `JD` in Universal Time. Angles in degrees.
/// No Foundation: `sin` comes from `sinDegrees(_:)` below.
enum LunarAstronomy {
    /// Mean length of a synodic month, days.
    static let synodicMonth = 29.530588861
    /// JDE of the mean new moon with lunation number k = 0 (2000-01-06).
    static let lunationZero = 2451550.09766

    /// JDE of the true new moon with lunation number `k` (k = 0 near 2000-01-06; Meeus 49).
    static func newMoon(_ k: Int) -> Double {
        let k = Double(k)
        let t = k / 1236.85
        let t2 = t * t
        let t3 = t2 * t
        let t4 = t3 * t
        var jde = lunationZero + synodicMonth * k + 0.00015437 * t2 - 0.000000150 * t3 + 0.00000000073 * t4
        let e = 1 - 0.002516 * t - 0.0000074 * t2
        let m = 2.5534 + 29.10535670 * k - 0.0000014 * t2 - 0.00000011 * t3  // Sun's mean anomaly
        let mp = 201.5643 + 385.81693528 * k + 0.0107582 * t2 + 0.00001238 * t3 - 0.000000058 * t4  // Moon's
        let f = 160.7108 + 390.67050284 * k - 0.0016118 * t2 - 0.00000227 * t3 + 0.000000011 * t4  // latitude
        let om = 124.7746 - 1.56375588 * k + 0.0020672 * t2 + 0.00000215 * t3  // ascending node
        let s = sinDegrees
        var c = -0.40720 * s(mp)
        c += 0.17241 * e * s(m)
        c += 0.01608 * s(2 * mp)
        c += 0.01039 * s(2 * f)
        c += 0.00739 * e * s(mp - m)
        c -= 0.00514 * e * s(mp + m)
        c += 0.00208 * e * e * s(2 * m)
        c -= 0.00111 * s(mp - 2 * f)
        c -= 0.00057 * s(mp + 2 * f)
        c += 0.00056 * e * s(2 * mp + m)
        c -= 0.00042 * s(3 * mp)
        c += 0.00042 * e * s(m + 2 * f)
        c += 0.00038 * e * s(m - 2 * f)
        c -= 0.00024 * e * s(2 * mp - m)
        c -= 0.00017 * s(om)
        c -= 0.00007 * s(mp + 2 * m)
        c += 0.00004 * s(2 * mp - 2 * f)
        c += 0.00004 * s(3 * m)
        c += 0.00003 * s(mp + m - 2 * f)
        c += 0.00003 * s(2 * mp + 2 * f)
        c -= 0.00003 * s(mp + m + 2 * f)
        c += 0.00003 * s(mp - m + 2 * f)
        c -= 0.00002 * s(mp - m - 2 * f)
        c -= 0.00002 * s(3 * mp + m)
        c += 0.00002 * s(4 * mp)
        // Planetary arguments (Meeus 49, "additional corrections for all phases").
        for (index, (coefficient, a0, a1)) in planetaryTerms.enumerated() {
            let argument = a0 + a1 * k - (index == 0 ? 0.009173 * t2 : 0)
            c += coefficient * s(argument)
        }
        jde += c
        return jde
    }

    /// Coefficient, constant and rate per lunation of the 14 planetary arguments A1...A14.
    private static let planetaryTerms: [(Double, Double, Double)] = [
        (0.000325, 299.77, 0.107408), (0.000165, 251.88, 0.016321), (0.000164, 251.83, 26.651886),
        (0.000126, 349.42, 36.412478), (0.000110, 84.66, 18.206239), (0.000062, 141.74, 53.303771),
        (0.000060, 207.14, 2.453732), (0.000056, 154.84, 7.306860), (0.000047, 34.52, 27.261239),
        (0.000042, 207.19, 0.121824), (0.000040, 291.34, 1.844379), (0.000037, 161.72, 24.198154),
        (0.000035, 239.56, 25.513099), (0.000023, 331.55, 3.592518),
    ]

    /// The Sun's apparent geometric longitude at `jde`, in 0..<360 (Meeus 25, lower accuracy:
    /// about 0.01°, a quarter of an hour of the Sun's motion).
    static func sunLongitude(_ jde: Double) -> Double {
        let t = (jde - 2451545.0) / 36525
        let l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t
        let m = 357.52911 + 35999.05029 * t - 0.0001537 * t * t
        let c =
            (1.914602 - 0.004817 * t - 0.000014 * t * t) * sinDegrees(m) + (0.019993 - 0.000101 * t)
            * sinDegrees(2 * m) + 0.000289 * sinDegrees(3 * m)
        let omega = 125.04 - 1934.136 * t
        let apparent = l0 + c - 0.00569 - 0.00478 * sinDegrees(omega)
        let reduced = apparent.truncatingRemainder(dividingBy: 360)
        return reduced < 0 ? reduced + 360 : reduced
    }

    /// ΔT = TT − UT in seconds at a decimal year (Espenak & Meeus, NASA eclipse pages, 2006).
    static func deltaT(year y: Double) -> Double {
        switch y {
        case ..<1860:
            let u = (y - 1820) / 100
            return -20 + 32 * u * u
        case ..<1900:
            let t = y - 1860
            return 7.62 + 0.5737 * t - 0.251754 * t * t + 0.01680668 * t * t * t - 0.0004473624 * t * t * t * t
                + t * t * t * t * t / 233174
        case ..<1920:
            let t = y - 1900
            return -2.79 + 1.494119 * t - 0.0598939 * t * t + 0.0061966 * t * t * t - 0.000197 * t * t * t * t
        case ..<1941:
            let t = y - 1920
            return 21.20 + 0.84493 * t - 0.076100 * t * t + 0.0020936 * t * t * t
        case ..<1961:
            let t = y - 1950
            return 29.07 + 0.407 * t - t * t / 233 + t * t * t / 2547
        case ..<1986:
            let t = y - 1975
            return 45.45 + 1.067 * t - t * t / 260 - t * t * t / 718
        case ..<2005:
            let t = y - 2000
            return 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * t * t * t + 0.000651814 * t * t * t * t
                + 0.00002373599 * t * t * t * t * t
        case ..<2050:
            let t = y - 2000
            return 62.92 + 0.32217 * t + 0.005589 * t * t
        case ..<2150:
            let u = (y - 1820) / 100
            return -20 + 32 * u * u - 0.5628 * (2150 - y)
        default:
            let u = (y - 1820) / 100
            return -20 + 32 * u * u
        }
    }

    /// ΔT in days at a Julian day.
    static func deltaTDays(atJulianDay jd: Double) -> Double {
        deltaT(year: 2000 + (jd - 2451545.0) / 365.25) / 86400
    }

    /// sin of an angle in degrees, any size, accurate to about 1e-13 (no Foundation needed).
    static func sinDegrees(_ degrees: Double) -> Double {
        // Reduce to [-180, 180), then to [-90, 90] with sin(180° - x) = sin x.
        var x = degrees - 360 * (degrees / 360).rounded(.down)
        if x >= 180 { x -= 360 }
        if x > 90 { x = 180 - x } else if x < -90 { x = -180 - x }
        let r = x * (Double.pi / 180)
        // Taylor series to r^17 in Horner form: the next term, r^19/19!, is below 5e-14 for
        // |r| <= pi/2.
        let r2 = r * r
        var sum = -1.0 / 355_687_428_096_000  // -1/17!
        sum = sum * r2 + 1.0 / 1_307_674_368_000  // 1/15!
        sum = sum * r2 - 1.0 / 6_227_020_800  // -1/13!
        sum = sum * r2 + 1.0 / 39_916_800  // 1/11!
        sum = sum * r2 - 1.0 / 362_880  // -1/9!
        sum = sum * r2 + 1.0 / 5040  // 1/7!
        sum = sum * r2 - 1.0 / 120
        sum = sum * r2 + 1.0 / 6
        return r - r * r2 * sum
    }
}
