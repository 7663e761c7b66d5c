using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tributary.FakeProviders;

/// <summary>The parts of a fault answer every fake shares: status, <c>Retry-After</c>, custom bodies, disconnects.</summary>
internal static class FaultResponses
{
    public static async Task WriteAsync(HttpContext context, Fault fault, Action<Utf8JsonWriter, Fault> writeErrorProperties)
    {
        if (fault.Kind == FaultKind.Disconnect)
        {
            context.Abort();
            return;
        }

        if (fault.RetryAfterSeconds is { } seconds && fault.Kind != FaultKind.PrimaryRateLimit)
        {
            context.Response.Headers.RetryAfter = seconds;
        }

        foreach (var (name, value) in fault.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (fault.Body is { } body)
        {
            context.Response.StatusCode = fault.StatusCode;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.BodyWriter.WriteAsync(Encoding.UTF8.GetBytes(body), context.RequestAborted);
            return;
        }

        await JsonResponse.WriteObjectAsync(context, fault.StatusCode, writer => writeErrorProperties(writer, fault));
    }
}
