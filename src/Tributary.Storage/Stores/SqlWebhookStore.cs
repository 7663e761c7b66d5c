using System.Data.Common;
using Tributary.Core.Ports;
using Tributary.Core.Webhooks;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Webhook settings and signing keys on SQLite and PostgreSQL; see <see cref="IWebhookStore"/>.</summary>
internal sealed class SqlWebhookStore : IWebhookStore
{
    private const string Columns = "primary_url, secondary_url, on_sync_completion_always, on_auth_creation, on_auth_refresh_error, on_sync_error, on_sync_run_summary, pinned_by_config";

    // Inserts the row with Nango's defaults when it is missing (the table's defaults), so updates only ever update.
    private const string EnsureRowSql = "INSERT INTO webhook_settings (environment_id, updated_at) VALUES (@env, @now) ON CONFLICT (environment_id) DO NOTHING";

    private readonly Database _database;

    public SqlWebhookStore(Database database)
    {
        _database = database;
    }

    public async Task<WebhookSettings> GetSettingsAsync(long environmentId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM webhook_settings WHERE environment_id = @env").With("env", environmentId);
        return await ReadAsync(command, cancellationToken) ?? WebhookSettings.Default;
    }

    public Task<WebhookSettings> UpdateSettingsAsync(long environmentId, WebhookSettingsPatch patch, long now, CancellationToken cancellationToken) =>
        UpdateAsync(environmentId, patch, null, now, cancellationToken);

    public Task<WebhookSettings> ApplyConfiguredAsync(long environmentId, WebhookSettingsPatch patch, IReadOnlyList<string> pinned, long now, CancellationToken cancellationToken) =>
        UpdateAsync(environmentId, patch, pinned, now, cancellationToken);

    /// <param name="pinned">The fields the configuration now pins (replacing the previous set); null leaves the set as it is.</param>
    private async Task<WebhookSettings> UpdateAsync(long environmentId, WebhookSettingsPatch patch, IReadOnlyList<string>? pinned, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await using (var ensure = connection.Command(EnsureRowSql, transaction).With("env", environmentId).With("now", now))
        {
            await ensure.ExecuteNonQueryAsync(cancellationToken);
        }

        // CASE WHEN a flag was given: one statement whatever the patch holds, no SQL built per request.
        await using (var update = connection.Command("""
            UPDATE webhook_settings SET
                primary_url = CASE WHEN @set_primary = 1 THEN @primary ELSE primary_url END,
                secondary_url = CASE WHEN @set_secondary = 1 THEN @secondary ELSE secondary_url END,
                on_sync_completion_always = COALESCE(@always, on_sync_completion_always),
                on_auth_creation = COALESCE(@auth_creation, on_auth_creation),
                on_auth_refresh_error = COALESCE(@auth_refresh, on_auth_refresh_error),
                on_sync_error = COALESCE(@sync_error, on_sync_error),
                on_sync_run_summary = COALESCE(@run_summary, on_sync_run_summary),
                pinned_by_config = CASE WHEN @set_pinned = 1 THEN @pinned ELSE pinned_by_config END,
                updated_at = @now
            WHERE environment_id = @env
            """, transaction))
        {
            var dialect = _database.Dialect;
            update.With("set_primary", patch.PrimaryUrl is null ? 0 : 1).WithNullable(dialect, "primary", EmptyAsNull(patch.PrimaryUrl))
                .With("set_secondary", patch.SecondaryUrl is null ? 0 : 1).WithNullable(dialect, "secondary", EmptyAsNull(patch.SecondaryUrl))
                .WithNullable(dialect, "always", Flag(patch.OnSyncCompletionAlways))
                .WithNullable(dialect, "auth_creation", Flag(patch.OnAuthCreation))
                .WithNullable(dialect, "auth_refresh", Flag(patch.OnAuthRefreshError))
                .WithNullable(dialect, "sync_error", Flag(patch.OnSyncError))
                .WithNullable(dialect, "run_summary", Flag(patch.OnSyncRunSummary))
                .With("set_pinned", pinned is null ? 0 : 1).WithNullable(dialect, "pinned", pinned is { Count: > 0 } ? string.Join(',', pinned) : null)
                .With("now", now).With("env", environmentId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        WebhookSettings settings;
        await using (var select = connection.Command($"SELECT {Columns} FROM webhook_settings WHERE environment_id = @env", transaction).With("env", environmentId))
        {
            settings = await ReadAsync(select, cancellationToken) ?? WebhookSettings.Default;
        }

        await transaction.CommitAsync(cancellationToken);
        return settings;
    }

    public async Task<byte[]?> GetSigningKeyAsync(long environmentId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT signing_key FROM webhook_settings WHERE environment_id = @env").With("env", environmentId);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async Task<string?> GetEnvironmentNameAsync(long environmentId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT name FROM environments WHERE id = @env").With("env", environmentId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<byte[]> AddSigningKeyAsync(long environmentId, byte[] encrypted, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await using (var ensure = connection.Command(EnsureRowSql, transaction).With("env", environmentId).With("now", now))
        {
            await ensure.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var set = connection.Command(
            "UPDATE webhook_settings SET signing_key = @key, updated_at = @now WHERE environment_id = @env AND signing_key IS NULL", transaction)
            .With("key", encrypted).With("now", now).With("env", environmentId))
        {
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        byte[] stored;
        await using (var select = connection.Command("SELECT signing_key FROM webhook_settings WHERE environment_id = @env", transaction).With("env", environmentId))
        {
            stored = (byte[])(await select.ExecuteScalarAsync(cancellationToken))!;
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    public async Task ReplaceSigningKeyAsync(long environmentId, byte[] encrypted, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await using (var ensure = connection.Command(EnsureRowSql, transaction).With("env", environmentId).With("now", now))
        {
            await ensure.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var set = connection.Command("UPDATE webhook_settings SET signing_key = @key, updated_at = @now WHERE environment_id = @env", transaction)
            .With("key", encrypted).With("now", now).With("env", environmentId))
        {
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<WebhookSettings?> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new WebhookSettings(
            reader.GetNullableString(0),
            reader.GetNullableString(1),
            reader.GetInt64(2) != 0,
            reader.GetInt64(3) != 0,
            reader.GetInt64(4) != 0,
            reader.GetInt64(5) != 0,
            reader.GetInt64(6) != 0)
        {
            Pinned = reader.GetNullableString(7) is { Length: > 0 } pinned ? pinned.Split(',') : [],
        };
    }

    private static long? Flag(bool? value) => value is null ? null : value.Value ? 1 : 0;

    private static string? EmptyAsNull(string? url) => string.IsNullOrEmpty(url) ? null : url;
}
