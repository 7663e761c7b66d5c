using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tributary.Client;

/// <summary>Registers <see cref="TributaryClient"/> as a typed client of <c>IHttpClientFactory</c>.</summary>
public static class TributaryClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TributaryClient"/> (transient, on a pooled handler) with the 429 retry handler. Inject
    /// <see cref="TributaryClient"/> where it is needed.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the base address and the secret key (both required).</param>
    /// <returns>The client builder, to add handlers or change the primary one.</returns>
    public static IHttpClientBuilder AddTributaryClient(this IServiceCollection services, Action<TributaryClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<TributaryClientOptions>()
            .Configure(configure)
            .Validate(o => o.BaseAddress is not null, "TributaryClientOptions.BaseAddress is required.")
            .Validate(o => !string.IsNullOrEmpty(o.SecretKey), "TributaryClientOptions.SecretKey is required.");
        services.AddTransient(provider => new RetryAfterHandler(
            provider.GetRequiredService<IOptions<TributaryClientOptions>>().Value,
            provider.GetService<TimeProvider>()));
        return services
            .AddHttpClient<TributaryClient>((provider, http) =>
            {
                var options = provider.GetRequiredService<IOptions<TributaryClientOptions>>().Value;
                http.BaseAddress = TributaryClient.WithSlash(options.BaseAddress!);
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.SecretKey);
            })
            .AddHttpMessageHandler<RetryAfterHandler>();
    }
}
