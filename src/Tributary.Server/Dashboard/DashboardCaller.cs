using Tributary.Core.Domain;

namespace Tributary.Server.Dashboard;

/// <summary>
/// The key a dashboard session stands for, set on a request's features by <see cref="DashboardMiddleware"/> after it
/// checked the session cookie and the CSRF token. <c>ApiRequest</c> uses it in place of a Bearer key; nothing a client
/// sends can set it.
/// </summary>
internal sealed record DashboardCaller(ApiKeyInfo Key);
