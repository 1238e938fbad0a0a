public enum ChisoCoreVersion { public static let string = "0.1.0" }
