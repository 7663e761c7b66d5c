using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tributary.Core.Telemetry;

namespace Tributary.Server.Hosting;

/// <summary>
/// Exports <see cref="TributaryMetrics"/> through OpenTelemetry: metrics at <c>GET /metrics</c> in Prometheus's text
/// format (every role: workers are where runs happen), traces through OTLP only when an endpoint is configured.
/// </summary>
/// <remarks>
/// <c>/metrics</c> is public by default, as Prometheus scrapers usually carry no credentials and the figures name no
/// tenant or secret; <see cref="TributaryServerOptions.MetricsRequireKey"/> makes it require any valid secret key
/// (<c>Authorization: Bearer …</c>). It is middleware, not a routed endpoint: it is not part of the API document.
/// </remarks>
internal static class TributaryTelemetry
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddTributaryTelemetry(this IServiceCollection services, TributaryServerOptions options)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("tributary"))
            .WithMetrics(metrics => metrics.AddMeter(TributaryMetrics.Name).AddPrometheusExporter());
        if (!string.IsNullOrEmpty(options.OtlpEndpoint))
        {
            var endpoint = new Uri(options.OtlpEndpoint);
            telemetry.WithTracing(tracing => tracing
                .AddSource(TributaryMetrics.Name)
                .AddOtlpExporter(otlp =>
                {
                    otlp.Endpoint = endpoint;
                    // OTLP/HTTP posts to …/v1/traces; anything else is a gRPC collector (port 4317 by convention).
                    otlp.Protocol = endpoint.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal)
                        ? OtlpExportProtocol.HttpProtobuf
                        : OtlpExportProtocol.Grpc;
                }));
        }

        return services;
    }

    public static WebApplication UseTributaryMetrics(this WebApplication app, TributaryServerOptions options)
    {
        // The instruments exist from the start, so a first scrape already shows the queue gauges.
        app.Services.GetRequiredService<TributaryMetrics>();
        if (options.MetricsRequireKey)
        {
            app.UseWhen(
                context => context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal),
                branch => branch.Use(async (context, next) =>
                {
                    var (key, error) = await context.RequestServices.GetRequiredService<ApiKeyAuthentication>().AuthenticateAsync(context);
                    if (key is null)
                    {
                        await JsonResponses.ErrorAsync(context, error!);
                        return;
                    }

                    await next(context);
                }));
        }

        app.UseOpenTelemetryPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }
}
