namespace Tributary.Core.Ports;

/// <summary>
/// Remembered answers of requests sent with an <c>Idempotency-Key</c>, per environment. A key is reserved
/// before the request runs, so two concurrent requests with one key never both run.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Reserves the key for a request, unless an answer or a reservation newer than <paramref name="expiredBefore"/>
    /// holds it; older ones are taken over.
    /// </summary>
    Task<IdempotencyReservation> ReserveAsync(long environmentId, string key, string requestHash, long now, long expiredBefore, CancellationToken cancellationToken);

    /// <summary>Stores the answer of a reserved key.</summary>
    Task CompleteAsync(long environmentId, string key, int status, string response, CancellationToken cancellationToken);

    /// <summary>Frees a reserved key whose request gave no answer worth replaying.</summary>
    Task ReleaseAsync(long environmentId, string key, CancellationToken cancellationToken);
}

/// <summary>
/// Either the key is now ours (<see cref="Reserved"/>), or it is held: by a stored answer (<see cref="Status"/>
/// and <see cref="Response"/>), or by a request still running (<see cref="Status"/> 0).
/// </summary>
public sealed record IdempotencyReservation(bool Reserved, string? RequestHash, int Status, string? Response)
{
    public static IdempotencyReservation Ours { get; } = new(true, null, 0, null);

    public bool InProgress => !Reserved && Status == 0;
}
