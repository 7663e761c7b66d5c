using Tributary.Testing;

namespace Tributary.Cli.Tests;

/// <summary>A temporary folder holding a data folder and a <c>tributary.yaml</c>, deleted at the end.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string? config = TestServer.DefaultConfig)
    {
        Path = Directory.CreateTempSubdirectory("tributary-cli-").FullName;
        if (config is not null)
        {
            File.WriteAllText(ConfigPath, config);
        }
    }

    public string Path { get; }

    public string DataDir => System.IO.Path.Combine(Path, "data");

    public string ConfigPath => System.IO.Path.Combine(Path, "tributary.yaml");

    public string SqliteFile => System.IO.Path.Combine(DataDir, "tributary.db");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may linger a moment; the OS cleans temp folders.
        }
    }
}
