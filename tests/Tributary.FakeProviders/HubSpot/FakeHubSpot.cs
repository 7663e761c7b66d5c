using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tributary.FakeProviders;

/// <summary>
/// A HubSpot-like CRM API over contacts: <c>GET /crm/v3/objects/contacts</c> with the cursor in
/// <c>paging.next.after</c>, <c>POST /crm/v3/objects/contacts/search</c>, and an offset-paginated
/// <c>GET /offset/items</c> (<c>{items, total, offset, limit}</c>) over the same contacts for declarative-sync tests.
/// Requires a bearer token issued by <see cref="FakeOAuthServer"/> unless <see cref="RequireAuthentication"/> is off.
/// </summary>
public sealed class FakeHubSpot : FakeApi
{
    private readonly TokenStore _tokens;

    internal FakeHubSpot(TimeProvider timeProvider, TokenStore tokens, FakeProvidersOptions options)
        : base("/hubspot", timeProvider)
    {
        _tokens = tokens;
        Contacts.PutMany(HubSpotSeed.Contacts(options.HubSpotContacts));
        RateLimit = new HubSpotRateLimit(timeProvider);
    }

    /// <summary>The contacts, keyed by id.</summary>
    public FakeDataSet<FakeContact> Contacts { get; } = new(c => c.Id);

    /// <summary>Answer 401 without a valid bearer token. Default true.</summary>
    public bool RequireAuthentication { get; set; } = true;

    /// <summary>How deep search may page (<c>after</c> + <c>limit</c>); HubSpot refuses beyond 10,000. Default 10,000.</summary>
    public int SearchResultLimit { get; set; } = 10_000;

    internal HubSpotRateLimit RateLimit { get; }

    /// <summary>Creates a contact with the next id, created and updated now.</summary>
    public FakeContact AddContact(string email, string firstName = "New", string lastName = "Contact")
    {
        var now = TimeProvider.GetUtcNow();
        return Contacts.Locked(() =>
        {
            var contact = new FakeContact(Contacts.MaxKey() + 1, email, firstName, lastName, now, now);
            Contacts.Put(contact);
            return contact;
        });
    }

    /// <summary>Moves a contact's <c>updatedAt</c> to <paramref name="at"/> (default now).</summary>
    public FakeContact TouchContact(long id, DateTimeOffset? at = null)
    {
        var when = at ?? TimeProvider.GetUtcNow();
        return Contacts.Update(id, contact => contact with { UpdatedAt = when });
    }

    /// <summary>Archives a contact now: it leaves the default listing and shows with <c>archived=true</c>.</summary>
    public FakeContact ArchiveContact(long id)
    {
        var now = TimeProvider.GetUtcNow();
        return Contacts.Update(id, contact => contact with { Archived = true, UpdatedAt = now });
    }

    internal override void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(Prefix + "/crm/v3/objects/contacts", context => HubSpotEndpoints.ListContactsAsync(context, this)).WithName(FakeEndpoints.HubSpotContacts);
        routes.MapPost(Prefix + "/crm/v3/objects/contacts/search", context => HubSpotEndpoints.SearchContactsAsync(context, this)).WithName(FakeEndpoints.HubSpotContactsSearch);
        routes.MapGet(Prefix + "/offset/items", context => HubSpotEndpoints.ListOffsetItemsAsync(context, this)).WithName(FakeEndpoints.HubSpotOffsetItems);
    }

    internal TokenCheck Authenticate(HttpRequest request, out TimeSpan expiredFor)
    {
        expiredFor = TimeSpan.Zero;
        return RequireAuthentication ? _tokens.Check(BearerToken.Read(request), out expiredFor) : TokenCheck.Valid;
    }

    internal override Task WriteFaultAsync(HttpContext context, Fault fault) =>
        FaultResponses.WriteAsync(context, fault, static (writer, f) =>
        {
            if (f.Kind is FaultKind.TooManyRequests or FaultKind.PrimaryRateLimit or FaultKind.SecondaryRateLimit)
            {
                HubSpotJson.WriteErrorProperties(writer, "You have reached your secondly limit.", "RATE_LIMITS");
                writer.WriteString("errorType", "RATE_LIMIT");
                writer.WriteString("policyName", "SECONDLY");
            }
            else
            {
                HubSpotJson.WriteErrorProperties(writer, "internal error", "INTERNAL_ERROR");
            }
        });
}
