namespace Tributary.Core.Configuration;

/// <summary>Collects the problems found in one configuration source.</summary>
internal sealed class ConfigErrorSink(string source)
{
    private readonly List<ConfigError> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    public IReadOnlyList<ConfigError> Errors => _errors;
    public int Count => _errors.Count;

    public void Add(int line, string path, string message) => _errors.Add(new ConfigError(source, line, path, message));

    /// <summary>Every problem in file order, so the report reads top to bottom.</summary>
    public ConfigException ToException() => new([.. _errors.OrderBy(error => error.Line)]);
}
