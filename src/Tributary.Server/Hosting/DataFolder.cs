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

    /// <summary>The AES-256 key for credentials: the configured one (base64, TRIBUTARY_ENCRYPTION_KEY) or a key generated on first start.</summary>
    public byte[] EncryptionKey(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Convert.FromBase64String(configured.Trim());
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
