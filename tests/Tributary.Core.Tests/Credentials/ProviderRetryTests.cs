using System.Net;
using System.Net.Http.Headers;
using Tributary.Core.Credentials;
using Tributary.Core.Providers;

namespace Tributary.Core.Tests.Credentials;

public sealed class ProviderRetryTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ProviderRetryOptions Fast = new(3, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(4), TimeSpan.FromSeconds(5));

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(429, null, true)]
    [InlineData(500, null, true)]
    [InlineData(503, null, true)]
    [InlineData(404, null, false)]
    [InlineData(401, null, false)]
    [InlineData(403, null, false)]
    [InlineData(403, "0", true)]
    public void Retryable_Are429_5xx_AndRateLimit403s(int status, string? remaining, bool expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        if (remaining is not null)
        {
            response.Headers.Add("X-RateLimit-Remaining", remaining);
        }

        Assert.Equal(expected, ProviderRetryDelay.IsRetryable(response, null));
    }

    [Fact]
    public void SecondaryLimit403_WithRetryAfter_IsRetryable()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Forbidden);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(2));

        Assert.True(ProviderRetryDelay.IsRetryable(response, null));
    }

    [Fact]
    public void TemplateErrorCodes_ReplaceTheDefaultStatuses()
    {
        var hints = new ProviderRetry([], [], null, ["403", "500-502"]);
        using var forbidden = new HttpResponseMessage(HttpStatusCode.Forbidden);
        using var badGateway = new HttpResponseMessage(HttpStatusCode.BadGateway);
        using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        using var tooMany = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        Assert.True(ProviderRetryDelay.IsRetryable(forbidden, hints));
        Assert.True(ProviderRetryDelay.IsRetryable(badGateway, hints));
        Assert.False(ProviderRetryDelay.IsRetryable(unavailable, hints));
        Assert.False(ProviderRetryDelay.IsRetryable(tooMany, hints));
    }

    [Fact]
    public void RetryAfter_InSecondsOrAsADate_IsTheWait()
    {
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        using var date = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        date.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(12));

        Assert.Equal(TimeSpan.FromSeconds(7), ProviderRetryDelay.Requested(seconds, null, Now));
        Assert.Equal(TimeSpan.FromSeconds(12), ProviderRetryDelay.Requested(date, null, Now));
    }

    [Fact]
    public void TemplateHeaders_AtIsAResetTime_AfterIsSeconds_TheLongestWins()
    {
        var hints = new ProviderRetry(["x-reset"], ["x-wait"], null, []);
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.Add("x-reset", Now.AddSeconds(30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.Headers.Add("x-wait", "10");
        using var milliseconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        milliseconds.Headers.Add("x-reset", Now.AddSeconds(3).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var past = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        past.Headers.Add("x-reset", Now.AddSeconds(-30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(TimeSpan.FromSeconds(30), ProviderRetryDelay.Requested(response, hints, Now));
        Assert.Equal(TimeSpan.FromSeconds(3), ProviderRetryDelay.Requested(milliseconds, hints, Now));
        Assert.Null(ProviderRetryDelay.Requested(past, hints, Now));
    }

    [Fact]
    public void GitHubPrimaryLimit_WaitsUntilItsReset()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Forbidden);
        response.Headers.Add("X-RateLimit-Remaining", "0");
        response.Headers.Add("X-RateLimit-Reset", Now.AddSeconds(45).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(TimeSpan.FromSeconds(45), ProviderRetryDelay.Requested(response, null, Now));
    }

    [Fact]
    public async Task Handler_RetriesServerErrors_UpToItsCount()
    {
        var inner = new Scripted(HttpStatusCode.ServiceUnavailable, HttpStatusCode.BadGateway, HttpStatusCode.OK);
        using var invoker = new HttpMessageInvoker(new ProviderRetryHandler(inner, null, Fast, TimeProvider.System));

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x"), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, inner.Calls);
    }

    [Fact]
    public async Task Handler_StopsAfterItsCount_AndHandsBackTheLastAnswer()
    {
        var inner = new Scripted(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 10).ToArray());
        using var invoker = new HttpMessageInvoker(new ProviderRetryHandler(inner, null, Fast, TimeProvider.System));
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x");
        request.Options.Set(ProviderRetryHandler.RetriesOption, 1);

        using var response = await invoker.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task Handler_DoesNotRetry_AStreamedBody_OrAWaitLongerThanItsMax()
    {
        var streamed = new Scripted(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        using var first = new HttpMessageInvoker(new ProviderRetryHandler(streamed, null, Fast, TimeProvider.System));
        using var upload = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/x") { Content = new StreamContent(new MemoryStream([1, 2, 3])) };
        using var refused = await first.SendAsync(upload, Token);

        var longWait = new Scripted(HttpStatusCode.TooManyRequests, HttpStatusCode.OK) { RetryAfter = TimeSpan.FromHours(1) };
        using var second = new HttpMessageInvoker(new ProviderRetryHandler(longWait, null, Fast, TimeProvider.System));
        using var limited = await second.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x"), Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(1, streamed.Calls);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(1, longWait.Calls);
    }

    [Fact]
    public async Task Handler_RetriesABufferedBody_AndALostConnection()
    {
        var inner = new Scripted(HttpStatusCode.InternalServerError, HttpStatusCode.OK) { ThrowFirst = true };
        using var invoker = new HttpMessageInvoker(new ProviderRetryHandler(inner, null, Fast, TimeProvider.System));
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/x") { Content = new StringContent("{}") };

        using var response = await invoker.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, inner.Calls);
    }

    private sealed class Scripted(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        public TimeSpan? RetryAfter { get; init; }

        public bool ThrowFirst { get; init; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            if (ThrowFirst && Calls == 1)
            {
                throw new HttpRequestException("connection reset");
            }

            var index = Math.Min(Calls - (ThrowFirst ? 2 : 1), statuses.Length - 1);
            var response = new HttpResponseMessage(statuses[index]);
            if (RetryAfter is { } wait)
            {
                response.Headers.RetryAfter = new RetryConditionHeaderValue(wait);
            }

            return Task.FromResult(response);
        }
    }
}
