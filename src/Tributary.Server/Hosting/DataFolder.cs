using System.Security.Cryptography;

namespace Tributary.Server.Hosting;

/// <summary>
/// Files Tributary keeps in its data folder: the generated dev secret key and the encryption key. The folder is
/// created 0700 and every file in it 0600 from the moment it exists (never chmod-ed after).
/// </summary>
/// <remarks>
/// A generated file is written complete under a unique temporary name, then linked to its final name only if that
/// name is free (<see cref="File.Move(string, string, bool)"/> without overwrite): two processes starting on one
/// fresh folder agree on one key, and no process ever reads a half-written one.
/// </remarks>
public sealed class DataFolder
{
    public const string EncryptionKeyFileName = "encryption.key";
    public const string SecretKeyFileName = "secret-key";

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public DataFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        CreatePrivateDirectory(Path);
    }

    public string Path { get; }

    public string EncryptionKeyFile => System.IO.Path.Combine(Path, EncryptionKeyFileName);

    /// <summary>Creates a folder readable by its owner only; an existing folder keeps its mode.</summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyFolder);
        }
    }

    /// <summary>
    /// The AES-256 key for credentials: the configured one (base64, TRIBUTARY_ENCRYPTION_KEY), else the data folder's,
    /// else a new key written there now. Whether it matches the database is checked at start (EncryptionKeyCheck).
    /// </summary>
    public EncryptionKeySource EncryptionKey(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new EncryptionKeySource(Convert.FromBase64String(configured.Trim()), EncryptionKeyOrigin.Configured);
        }

        var (text, created) = ReadOrCreate(EncryptionKeyFileName, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        return new EncryptionKeySource(Convert.FromBase64String(text), created ? EncryptionKeyOrigin.CreatedFile : EncryptionKeyOrigin.File);
    }

    /// <summary>Removes a key file this start created, when the database proved it wrong (so no stray key stays behind).</summary>
    public void ForgetCreatedEncryptionKey() => File.Delete(EncryptionKeyFile);

    /// <summary>The kept secret key, or a new one from <paramref name="generate"/> written now; <c>Created</c> says which.</summary>
    public (string Secret, bool Created) ReadOrCreateSecretKey(Func<string> generate) => ReadOrCreate(SecretKeyFileName, generate);

    /// <summary>Writes <paramref name="content"/> to a new owner-only file; fails if the file exists.</summary>
    public static void WriteNewPrivateFile(string file, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        using var stream = new FileStream(file, options);
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content + "\n");
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
    }

    private (string Content, bool Created) ReadOrCreate(string name, Func<string> generate)
    {
        var file = System.IO.Path.Combine(Path, name);
        if (File.Exists(file))
        {
            return (ReadKept(file), false);
        }

        var staged = System.IO.Path.Combine(Path, $".{name}.{Guid.NewGuid():N}.tmp");
        var content = generate();
        WriteNewPrivateFile(staged, content);
        try
        {
            File.Move(staged, file, overwrite: false);
            return (content, true);
        }
        catch (IOException) when (File.Exists(file))
        {
            // Another process starting on this folder linked its file first: use that one.
            return (ReadKept(file), false);
        }
        finally
        {
            File.Delete(staged);
        }
    }

    private static string ReadKept(string file)
    {
        var text = File.ReadAllText(file).Trim();
        return text.Length > 0
            ? text
            : throw new InvalidOperationException($"{file} is empty. Restore it from a backup (or remove it to start over with no stored credentials).");
    }
}

/// <summary>The credentials key and where it came from.</summary>
public sealed record EncryptionKeySource(byte[] Key, EncryptionKeyOrigin Origin);

public enum EncryptionKeyOrigin
{
    /// <summary>TRIBUTARY_ENCRYPTION_KEY.</summary>
    Configured,

    /// <summary>The data folder's key file, as found.</summary>
    File,

    /// <summary>The data folder's key file, written by this start.</summary>
    CreatedFile,
}
