using System.Collections.Frozen;
using System.Reflection;

namespace Tributary.Server.Dashboard;

/// <summary>
/// The dashboard's static files (HTML, CSS, ES modules), embedded in the server assembly under <c>Dashboard/Assets</c>
/// and read into memory once: a few dozen kilobytes, no front-end build, nothing on disk to go missing.
/// </summary>
internal sealed class DashboardAssets
{
    public const string ResourcePrefix = "Tributary.Dashboard/";

    /// <summary>The files the sign-in page needs; every other file requires a session.</summary>
    public static readonly FrozenSet<string> Public = FrozenSet.Create(StringComparer.Ordinal, "signin.html", "signin.js", "style.css", "favicon.svg");

    private readonly FrozenDictionary<string, DashboardAsset> _files;

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var path = name[ResourcePrefix.Length..];
            files[path] = new DashboardAsset(Read(assembly, name), ContentTypeOf(path));
        }

        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public DashboardAsset? Find(string path) => _files.GetValueOrDefault(path);

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded dashboard file {name} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string ContentTypeOf(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}

internal sealed record DashboardAsset(byte[] Content, string ContentType);
