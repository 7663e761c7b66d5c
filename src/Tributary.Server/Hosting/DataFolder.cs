using System.Security.Cryptography;

namespace Tributary.Server.Hosting;

/// <summary>Files Tributary keeps in its data folder: the generated dev secret key and the encryption key.</summary>
internal sealed class DataFolder
{
    public DataFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string SqliteFile => System.IO.Path.Combine(Path, "tributary.db");

    /// <summary>The AES-256 key for credentials: TRIBUTARY_ENCRYPTION_KEY (base64) or a key generated on first start.</summary>
    public byte[] EncryptionKey()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("TRIBUTARY_ENCRYPTION_KEY");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Convert.FromBase64String(fromEnvironment);
        }

        var file = System.IO.Path.Combine(Path, "encryption.key");
        if (File.Exists(file))
        {
            return Convert.FromBase64String(File.ReadAllText(file).Trim());
        }

        var key = RandomNumberGenerator.GetBytes(32);
        WriteSecret(file, Convert.ToBase64String(key));
        return key;
    }

    /// <summary>Returns the kept secret key, or null on a first start.</summary>
    public string? ReadSecretKey()
    {
        var file = System.IO.Path.Combine(Path, "secret-key");
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    public void WriteSecretKey(string secret) => WriteSecret(System.IO.Path.Combine(Path, "secret-key"), secret);

    private static void WriteSecret(string file, string content)
    {
        File.WriteAllText(file, content + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
