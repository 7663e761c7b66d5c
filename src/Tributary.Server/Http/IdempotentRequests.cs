using System.Security.Cryptography;
using System.Text;
using Tributary.Core.Ports;

namespace Tributary.Server.Http;

/// <summary>
/// The <c>Idempotency-Key</c> header: within 24 hours, a repeated key of the same environment gets the first
/// answer back (status and body, plus <c>Idempotent-Replayed: true</c>) and the handler does not run again.
/// </summary>
/// <remarks>
/// <para>
/// Only successful answers are remembered. A refused request changed nothing, so retrying it after fixing the
/// cause (an unknown connection that now exists, say) must be able to succeed under the same key.
/// </para>
/// <para>
/// The key is reserved before the handler runs: a second request arriving while the first still runs is
/// answered 409 <c>idempotency_key_in_use</c> instead of running twice. The same key with a different request
/// (method, path, query, body bytes or the Provider-Config-Key / Connection-Id headers) is a client bug and is
/// answered 400 <c>idempotency_key_reused</c>.
/// </para>
/// </remarks>
internal static class IdempotentRequests
{
    public const string HeaderName = "Idempotency-Key";

    public const string ReplayedHeaderName = "Idempotent-Replayed";

    public const int MaxKeyLength = 255;

    public static Func<HttpContext, Tenant, Task> Wrap(Func<HttpContext, Tenant, Task> handler) => async (context, tenant) =>
    {
        var header = context.Request.Headers[HeaderName];
        if (header.Count == 0)
        {
            await handler(context, tenant);
            return;
        }

        var key = header.ToString();
        if (header.Count > 1 || key.Length is 0 or > MaxKeyLength)
        {
            await JsonResponses.ErrorAsync(context, new ApiError(
                StatusCodes.Status400BadRequest,
                "invalid_idempotency_key",
                $"The {HeaderName} header must be one value of 1 to {MaxKeyLength} characters."));
            return;
        }

        var idempotency = context.RequestServices.GetRequiredService<IdempotencyService>();
        var hash = await HashRequestAsync(context);
        var reservation = await idempotency.ReserveAsync(tenant, key, hash, context.RequestAborted);
        if (!reservation.Reserved)
        {
            await AnswerHeldKeyAsync(context, reservation, hash);
            return;
        }

        var reserved = new ReservedIdempotencyKey(key);
        context.Features.Set(reserved);
        await RunAndRememberAsync(context, tenant, handler, idempotency, reserved);
    };

    private static async Task AnswerHeldKeyAsync(HttpContext context, IdempotencyReservation reservation, string hash)
    {
        if (reservation.RequestHash is not null && reservation.RequestHash != hash)
        {
            await JsonResponses.ErrorAsync(context, new ApiError(
                StatusCodes.Status400BadRequest,
                "idempotency_key_reused",
                $"This {HeaderName} was used for a different request in the last 24 hours. Send a new key with a new request."));
            return;
        }

        if (reservation.InProgress)
        {
            await JsonResponses.ErrorAsync(context, new ApiError(
                StatusCodes.Status409Conflict,
                "idempotency_key_in_use",
                $"A request with this {HeaderName} is still being processed. Retry it in a moment to get its answer."));
            return;
        }

        context.Response.StatusCode = reservation.Status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers[ReplayedHeaderName] = "true";
        await context.Response.WriteAsync(reservation.Response ?? string.Empty, context.RequestAborted);
    }

    private static async Task RunAndRememberAsync(
        HttpContext context,
        Tenant tenant,
        Func<HttpContext, Tenant, Task> handler,
        IdempotencyService idempotency,
        ReservedIdempotencyKey reserved)
    {
        var key = reserved.Key;
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await handler(context, tenant);
        }
        catch
        {
            context.Response.Body = original;

            // The request is over whatever happens next; the key must not stay reserved for it. An answer the
            // handler already stored with its commit stays (the release frees only a bare reservation).
            await idempotency.ReleaseAsync(tenant, key, CancellationToken.None);
            throw;
        }

        context.Response.Body = original;
        var status = context.Response.StatusCode;
        if (reserved.RememberedInTransaction)
        {
            // The handler stored its answer in its own transaction (the trigger's): nothing left to write.
        }
        else if (status is >= 200 and < 300)
        {
            // Remembered before the client sees it: a retry after a lost answer then finds it.
            await idempotency.RememberAsync(tenant, key, status, Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), CancellationToken.None);
        }
        else
        {
            await idempotency.ReleaseAsync(tenant, key, CancellationToken.None);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    /// <summary>What makes two requests "the same": method, path, query, the two Nango headers and the exact body bytes.</summary>
    private static async Task<string> HashRequestAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering();
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        request.Body.Position = 0;

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = string.Join(
            '\n',
            request.Method,
            request.Path.Value,
            request.QueryString.Value,
            request.Headers["Provider-Config-Key"].ToString(),
            request.Headers["Connection-Id"].ToString(),
            string.Empty);
        hash.AppendData(Encoding.UTF8.GetBytes(head));
        hash.AppendData(body.GetBuffer(), 0, (int)body.Length);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>
/// The idempotency key reserved for this request (an HTTP feature): a handler whose write can carry the answer
/// stores it in the same transaction and marks it here, so that no crash between commit and answer can lose it.
/// </summary>
internal sealed class ReservedIdempotencyKey(string key)
{
    public string Key { get; } = key;

    public bool RememberedInTransaction { get; set; }
}
