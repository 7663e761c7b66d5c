namespace Tributary.Testing;

/// <summary>The repository's root folder (where Tributary.slnx is), found from the test's output folder.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Tributary.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Tributary.slnx above {AppContext.BaseDirectory}.");
    }
}
