using Tributary.Core.Domain;
using Tributary.Core.Security;

namespace Tributary.Server.Http;

/// <summary>
/// The key an API request was authenticated with, for the handlers whose answer depends on a scope beyond the one
/// that admitted them (<c>GET /connections/{id}</c> shows credentials only with
/// <c>environment:connections:read_credentials</c>). Set by <see cref="ApiRequest"/> before the handler runs.
/// </summary>
internal sealed record ApiCaller(ApiKeyInfo Key)
{
    public bool Grants(string scope) => ApiKeys.Grants(Key.Scopes, scope);
}
