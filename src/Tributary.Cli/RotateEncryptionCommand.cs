using System.Security.Cryptography;
using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Server.Hosting;

namespace Tributary.Cli;

/// <summary>
/// <c>tributary keys rotate-encryption [--new-key-file F]</c>: re-encrypts every connection's credentials under a new
/// key in one transaction and records the new key's check, so servers with the old key refuse to start.
/// </summary>
/// <remarks>
/// Stop the servers first: a running server keeps the old key and fails credential reads until restarted with the
/// new one. The current key is TRIBUTARY_ENCRYPTION_KEY or the data folder's <c>encryption.key</c>, and must match
/// the database. With the data folder's key, the new key (from the file, or generated) is staged beside it as
/// <c>encryption.key.next</c> before the transaction and renamed over <c>encryption.key</c> after the commit; with the
/// variable, the new key must come from <c>--new-key-file</c> and the operator sets the variable to it afterwards.
/// Record payloads (TRIBUTARY_RECORDS_ENCRYPTION_KEY) are a different key and are not rotated: they are a cache that
/// a re-sync rewrites, and re-encrypting them would rewrite every record.
/// </remarks>
internal static class RotateEncryptionCommand
{
    public static Command Create()
    {
        var binding = new ServerOptionsBinding();
        var newKeyFile = new Option<FileInfo?>("--new-key-file")
        {
            Description = "A file holding the new key (32 bytes, base64, e.g. from `openssl rand -base64 32`); default: a new random key in the data folder",
        };
        var command = new Command("rotate-encryption", "Re-encrypt every connection's credentials under a new encryption key (stop the servers first).");
        binding.AddTo(command);
        command.Options.Add(newKeyFile);
        command.SetAction((result, cancellationToken) => ServerOptionsBinding.GuardAsync(result, async () =>
        {
            var error = result.InvocationConfiguration.Error;
            var options = binding.Read(result);
            var folder = new DataFolder(options.DataDir);
            var fromVariable = !string.IsNullOrWhiteSpace(options.EncryptionKey);
            if (!fromVariable && !File.Exists(folder.EncryptionKeyFile))
            {
                await error.WriteLineAsync($"No current encryption key: set TRIBUTARY_ENCRYPTION_KEY or keep {folder.EncryptionKeyFile}.");
                return ExitCodes.BadInput;
            }

            var given = result.GetValue(newKeyFile);
            if (fromVariable && given is null)
            {
                await error.WriteLineAsync("TRIBUTARY_ENCRYPTION_KEY is set: pass the new key with --new-key-file, then set the variable to it.");
                return ExitCodes.BadInput;
            }

            byte[] newKey;
            if (given is null)
            {
                newKey = RandomNumberGenerator.GetBytes(32);
            }
            else if (!TryReadKey(given, out newKey))
            {
                await error.WriteLineAsync($"--new-key-file: '{given.FullName}' must hold 32 random bytes in base64.");
                return ExitCodes.BadInput;
            }

            var current = new CredentialProtector(folder.EncryptionKey(options.EncryptionKey).Key);
            var next = new CredentialProtector(newKey);
            if (next.KeyId == current.KeyId)
            {
                await error.WriteLineAsync("The new key is the current key: nothing to rotate.");
                return ExitCodes.BadInput;
            }

            await using var session = await KeysCommand.OpenAsync(binding, result, cancellationToken);
            var check = new EncryptionKeyCheck(session.EncryptionKeys, current);
            if (await check.FindMismatchAsync(cancellationToken) is { } expected)
            {
                await error.WriteLineAsync($"The current key (key id {current.KeyId}) is not this database's (key id {expected}): nothing was changed.");
                return ExitCodes.BadInput;
            }

            var staged = folder.EncryptionKeyFile + ".next";
            if (!fromVariable)
            {
                // Written before the transaction: if anything stops after the commit, the new key is on disk.
                DataFolder.WriteNewPrivateFile(staged, Convert.ToBase64String(newKey));
            }

            var count = await session.EncryptionKeys.RotateAsync(
                check.Key,
                new EncryptionKeyRecord(next.KeyId, next.KeyCheck),
                stored => next.Protect(current.Unprotect(stored)),
                cancellationToken);
            await error.WriteLineAsync($"Re-encrypted {count} connection credential(s) under key id {next.KeyId} (was {current.KeyId}).");
            if (fromVariable)
            {
                await error.WriteLineAsync("Now set TRIBUTARY_ENCRYPTION_KEY to the new key on every process, then start them.");
            }
            else
            {
                File.Move(staged, folder.EncryptionKeyFile, overwrite: true);
                await error.WriteLineAsync($"{folder.EncryptionKeyFile} now holds the new key; start the servers.");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static bool TryReadKey(FileInfo file, out byte[] key)
    {
        key = new byte[48];
        if (file.Exists && Convert.TryFromBase64String(File.ReadAllText(file.FullName).Trim(), key, out var written) && written == 32)
        {
            key = key[..32];
            return true;
        }

        key = [];
        return false;
    }
}
