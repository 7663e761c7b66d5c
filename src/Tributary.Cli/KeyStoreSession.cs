using Tributary.Core.Ports;
using Tributary.Core.Services;
using Tributary.Storage.Sql;

namespace Tributary.Cli;

/// <summary>A <c>keys</c> verb's open database and its stores; disposing closes both.</summary>
internal sealed class KeyStoreSession : IAsyncDisposable
{
    private readonly Database _database;
    private readonly ServiceProvider _provider;

    public KeyStoreSession(Database database, ServiceProvider provider)
    {
        _database = database;
        _provider = provider;
        Keys = new ApiKeyService(provider.GetRequiredService<IApiKeyStore>());
    }

    public ApiKeyService Keys { get; }

    public IEncryptionKeyStore EncryptionKeys => _provider.GetRequiredService<IEncryptionKeyStore>();

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _database.DisposeAsync();
    }
}
