namespace Tributary.Core.Configuration;

/// <summary>
/// Reads the secrets tributary.yaml points at (<c>client_secret_env</c>, <c>client_secret_file</c>) when it is
/// deployed. The one place Core reads the environment: the variable's name comes from the file, not from Tributary.
/// </summary>
public static class SecretResolver
{
    /// <exception cref="ConfigException">The variable is unset or empty, or the file cannot be read or is empty; the error names the file and line of the reference, never a value.</exception>
    public static string Resolve(SecretReference reference, string source)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.EnvironmentVariable is { } name)
        {
            var value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(value) ? throw Problem(reference, source, $"the environment variable {name} is not set") : value;
        }

        var path = reference.FilePath!;
        if (!Path.IsPathRooted(path) && Path.GetDirectoryName(Path.GetFullPath(source)) is { } folder && File.Exists(source))
        {
            // Relative to tributary.yaml, as a reader of the file expects.
            path = Path.Combine(folder, path);
        }

        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Problem(reference, source, $"cannot read the secrets file {path}: {ex.GetType().Name}");
        }

        return text.Length == 0 ? throw Problem(reference, source, $"the secrets file {path} is empty") : text;
    }

    private static ConfigException Problem(SecretReference reference, string source, string message) =>
        new([new ConfigError(source, reference.Line, reference.Path, message)]);
}
