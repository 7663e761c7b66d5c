using YamlDotNet.Core;

namespace Tributary.Core.Configuration;

/// <summary>Loads and validates <c>tributary.yaml</c>.</summary>
public static class ConfigLoader
{
    /// <summary>The configuration used when no <c>tributary.yaml</c> exists.</summary>
    public static TributaryConfig Demo => DemoConfig.Instance;

    /// <exception cref="ConfigException">The file cannot be read or is invalid; errors name <paramref name="path"/> as their source.</exception>
    public static TributaryConfig LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            // A relative path is resolved against a working directory the user may not have in mind.
            var where = Path.IsPathFullyQualified(path) ? "" : $" (looked for {Path.GetFullPath(path)})";
            throw FileProblem(path, $"file not found{where}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw FileProblem(path, $"cannot read the file: {exception.Message}");
        }

        var config = Parse(text, path);

        // A path in `functions:` is relative to the file, not to wherever the server happens to be started.
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return config with
        {
            FunctionAssemblies = [.. config.FunctionAssemblies.Select(a => a with { FullPath = Path.GetFullPath(a.Written, folder) })],
        };
    }

    /// <param name="sourceName">Names the text in error messages, usually the file name.</param>
    /// <exception cref="ConfigException">The text is not YAML or not a valid configuration; all problems are listed.</exception>
    public static TributaryConfig Parse(string yamlText, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(sourceName);

        var documents = ReadDocuments(yamlText, sourceName);
        var errors = new ConfigErrorSink(sourceName);
        var config = new ConfigReader(errors).Read(documents);
        return errors.HasErrors ? throw errors.ToException() : config with { SourceName = sourceName };
    }

    /// <summary>Reads a file whose root mapping is a provider catalogue (name → template), as the built-in one.</summary>
    /// <exception cref="ConfigException">A template is invalid; every problem is listed with its line.</exception>
    public static IReadOnlyList<Providers.ProviderDefinition> ParseProviders(string yamlText, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        var documents = ReadDocuments(yamlText, sourceName);
        var errors = new ConfigErrorSink(sourceName);
        if (documents.Count != 1 || documents[0] is not YamlTreeMapping root)
        {
            errors.Add(1, "", "expected one mapping of provider names to templates");
            throw errors.ToException();
        }

        var providers = new ProviderReader(errors).ReadAll(new ConfigEntry("", root.Line, "", root));
        return errors.HasErrors ? throw errors.ToException() : providers;
    }

    private static ConfigException FileProblem(string path, string message) => new([new ConfigError(path, 0, "", message)]);

    /// <summary>The YAML documents of the text; a syntax error is the whole answer, since past it the structure is
    /// unknown and nothing else is worth reporting.</summary>
    private static IReadOnlyList<YamlTreeNode> ReadDocuments(string yamlText, string sourceName)
    {
        try
        {
            return YamlTreeReader.ReadDocuments(yamlText);
        }
        catch (YamlException exception)
        {
            throw new ConfigException([new ConfigError(sourceName, (int)exception.Start.Line, "", $"invalid YAML: {exception.Message}")]);
        }
    }
}
