using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Tributary.Server.Dashboard;

namespace Tributary.Server.Tests.Dashboard;

public sealed class DashboardTicketsTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void ATicket_SealedByOneProcess_OpensInAnotherWithTheSameEncryptionKey()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var session = new DashboardTickets(Key, time).Issue("hash");

        var opened = new DashboardTickets((byte[])Key.Clone(), time).Open(new DashboardTickets(Key, time).Seal(session));

        Assert.Equal(session with { ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(session.ExpiresAt.ToUnixTimeSeconds()) }, opened);
    }

    [Fact]
    public void ATicket_DoesNotOpen_UnderAnotherKey_Tampered_Truncated_OrExpired()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var tickets = new DashboardTickets(Key, time);
        var ticket = tickets.Seal(tickets.Issue("hash"));
        var flipped = (ticket[10] == 'A' ? 'B' : 'A') + string.Empty;

        Assert.Null(new DashboardTickets(RandomNumberGenerator.GetBytes(32), time).Open(ticket));
        Assert.Null(tickets.Open(ticket[..10] + flipped + ticket[11..]));
        Assert.Null(tickets.Open(ticket[..20]));
        Assert.Null(tickets.Open("%%%"));
        Assert.Null(tickets.Open(null));
        Assert.NotNull(tickets.Open(ticket));
        time.Advance(DashboardTickets.Lifetime);
        Assert.Null(tickets.Open(ticket));
    }

    [Fact]
    public void TheCsrfToken_IsFreshPerSession_AndComparedExactly()
    {
        var tickets = new DashboardTickets(Key, TimeProvider.System);
        var one = tickets.Issue("hash");
        var two = tickets.Issue("hash");

        Assert.NotEqual(one.CsrfToken, two.CsrfToken);
        Assert.True(one.AcceptsCsrf(one.CsrfToken));
        Assert.False(one.AcceptsCsrf(two.CsrfToken));
        Assert.False(one.AcceptsCsrf(string.Empty));
        Assert.False(one.AcceptsCsrf(null));
    }
}
