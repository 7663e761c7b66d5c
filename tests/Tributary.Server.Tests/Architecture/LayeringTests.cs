using System.Text.RegularExpressions;
using Tributary.Testing;

namespace Tributary.Server.Tests.Architecture;

/// <summary>
/// The layering issue 8 set (docs/architecture.md, "Where a new feature goes"), read from the sources: an endpoint
/// parses, calls one Core service and writes the answer; Core knows nothing of HTTP answers; every difference between
/// the two databases stays in Storage's dialect seam.
/// </summary>
public sealed partial class LayeringTests
{
    [Fact]
    public void Endpoints_ReachNoStoreNorEngineInternals_OnlyCoreServices()
    {
        var offenders = Matches("src/Tributary.Server/Endpoints", EngineInternals());

        Assert.True(offenders.Count == 0, "Endpoint code that reaches past the services:\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void Core_WritesNoHttpAnswers()
    {
        var offenders = Matches("src/Tributary.Core", HttpAnswers());

        Assert.True(offenders.Count == 0, "Core code that speaks ASP.NET Core's answers:\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void DialectBranches_StayInTheDialectSeam()
    {
        var offenders = Matches("src", DialectBranch())
            .Where(place => !place.StartsWith("src/Tributary.Storage/Sql/", StringComparison.Ordinal))
            .ToList();

        Assert.True(offenders.Count == 0, "Dialect branches outside src/Tributary.Storage/Sql:\n" + string.Join('\n', offenders));
    }

    /// <summary>Each line of a C# file under <paramref name="folder"/> that matches, as "path:line: text".</summary>
    private static List<string> Matches(string folder, Regex pattern)
    {
        var root = RepositoryRoot.Path;
        var files = Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        return files
            .SelectMany(file => File.ReadLines(file).Select((text, i) => (File: file, Line: i + 1, Text: text)))
            .Where(line => pattern.IsMatch(line.Text))
            .Select(line => $"{Path.GetRelativePath(root, line.File).Replace('\\', '/')}:{line.Line}: {line.Text.Trim()}")
            .ToList();
    }

    [GeneratedRegex(@"\bI[A-Z][A-Za-z]*Store\b|\bCredentialProtector\b|\bRunCancellations\b|\bWorkSignal\b")]
    private static partial Regex EngineInternals();

    [GeneratedRegex(@"\bStatusCodes\.|\bMicrosoft\.AspNetCore\b|\bIResult\b|\bResults\.")]
    private static partial Regex HttpAnswers();

    [GeneratedRegex(@"\bIsPostgres\b")]
    private static partial Regex DialectBranch();
}
