using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tributary.Bench.Infrastructure;
using Tributary.Storage.Sql;

namespace Tributary.Bench.Baselines;

/// <summary>
/// The B8 baseline: a bare Kestrel endpoint (in the bench process, same loopback, same client) running the
/// engine's keyset query against the same records and splicing the stored JSON into the body. No auth, no
/// connection lookup, no validation, no <c>_nango_metadata</c> beyond the cursor.
/// </summary>
internal sealed class BareRecordsEndpoint : IAsyncDisposable
{
    private const string PageSql = """
        SELECT external_id, payload, seq, added_seq, created_at, updated_at, deleted_at, pruned_at FROM records
        WHERE connection_id = @c AND model = @m AND seq > @after
        ORDER BY seq
        LIMIT @limit
        """;

    private readonly WebApplication _app;

    private BareRecordsEndpoint(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public static async Task<BareRecordsEndpoint> StartAsync(Database database, long connectionId, string model, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/bare", (HttpContext http) => WritePageAsync(http, database, connectionId, model));
        await app.StartAsync(cancellationToken);
        return new BareRecordsEndpoint(app, new Uri($"http://127.0.0.1:{port}/"));
    }

    public Uri Page(long after, int limit) => new(BaseUrl, $"bare?after={after}&limit={limit}");

    /// <summary>
    /// Reads pages of the same query straight from the database, no HTTP, the payload as bytes into one reused buffer
    /// (what the engine's read path does since issue 14): the floor under both endpoints.
    /// </summary>
    public static async Task<(int Pages, double Seconds)> RawKeysetAsync(Database database, long connectionId, string model, int limit, TimeSpan budget, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var pages = 0;
        long after = 0;
        var buffer = new byte[64 * 1024];
        var sql = PageSql.Replace("external_id, payload,", $"external_id, {database.Dialect.Utf8Bytes("payload")},", StringComparison.Ordinal);
        while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < budget)
        {
            await using var command = connection.RawCommand(sql)
                .With("c", connectionId).With("m", model).With("after", after).With("limit", (long)limit + 1);
            var rows = 0;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken) && rows < limit)
                {
                    _ = reader.GetBytes(1, 0, buffer, 0, buffer.Length);
                    after = reader.GetInt64(2);
                    rows++;
                }
            }

            pages++;
            if (rows < limit)
            {
                break;
            }
        }

        return (pages, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static async Task WritePageAsync(HttpContext http, Database database, long connectionId, string model)
    {
        var after = long.Parse(http.Request.Query["after"].ToString(), CultureInfo.InvariantCulture);
        var limit = int.Parse(http.Request.Query["limit"].ToString(), CultureInfo.InvariantCulture);
        var rows = new List<(string Payload, long Seq)>(limit + 1);
        await using (var connection = await database.OpenAsync(http.RequestAborted))
        await using (var command = connection.RawCommand(PageSql)
            .With("c", connectionId).With("m", model).With("after", after).With("limit", (long)limit + 1))
        await using (var reader = await command.ExecuteReaderAsync(http.RequestAborted))
        {
            while (await reader.ReadAsync(http.RequestAborted))
            {
                rows.Add((reader.GetString(1), reader.GetInt64(2)));
            }
        }

        var hasMore = rows.Count > limit;
        var buffer = new ArrayBufferWriter<byte>(128 * 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("records");
            foreach (var (payload, seq) in rows.Take(limit))
            {
                var cursor = seq.ToString(CultureInfo.InvariantCulture);
                writer.WriteRawValue(string.Concat(payload.AsSpan(0, payload.Length - 1), ",\"_nango_metadata\":{\"cursor\":\"", cursor, "\"}}"), skipInputValidation: true);
            }

            writer.WriteEndArray();
            if (hasMore)
            {
                writer.WriteString("next_cursor", rows[limit - 1].Seq.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                writer.WriteNull("next_cursor");
            }

            writer.WriteEndObject();
        }

        http.Response.ContentType = "application/json";
        http.Response.ContentLength = buffer.WrittenCount;
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
