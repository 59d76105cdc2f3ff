/// Providers' names as people write them, for titles and messages: the code names
/// (`ellisphere`, `bodacc`) are for keys, logs and configuration.
public enum ProviderName {
    public static func display(_ name: String) -> String {
        switch name {
        case "bodacc": "BODACC"
        case "ellisphere": "Ellisphère"
        default: name.prefix(1).uppercased() + name.dropFirst()
        }
    }
}
