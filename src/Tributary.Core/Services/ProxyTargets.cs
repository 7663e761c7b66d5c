using Tributary.Core.Credentials;
using Tributary.Core.Domain;

namespace Tributary.Core.Services;

/// <summary>
/// What a proxy call resolved a connection to (integration, connection, decrypted credentials), kept for a second
/// (<see cref="ConnectionKeyedCache{TValue}"/>) so that a burst of calls reads the database once a second per
/// connection instead of three times per call.
/// </summary>
/// <remarks>Another process's change is seen within <see cref="TimeToLive"/>; a token it revoked meanwhile gets a 401
/// from the provider, which makes the pipeline read the stored credentials.</remarks>
public sealed class ProxyTargets : ConnectionKeyedCache<ProxyTarget>
{
    public static readonly TimeSpan TimeToLive = ConnectionCacheLimits.TimeToLive;

    public ProxyTargets(ConnectionChanges changes, TimeProvider timeProvider)
        : base(changes, timeProvider)
    {
    }
}

/// <summary>A connection as a proxy call uses it: its integration, itself and its credentials with what they add to a request.</summary>
public sealed record ProxyTarget(Integration Integration, Connection Connection, FreshCredentials Credentials, AppliedCredentials Applied);
