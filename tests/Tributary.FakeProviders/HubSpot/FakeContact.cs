namespace Tributary.FakeProviders;

/// <summary>A contact of the fake HubSpot portal (immutable; change one with <c>with</c>).</summary>
/// <param name="Id">The object id, the collection key (sent as a string, as HubSpot does).</param>
/// <param name="Email">The <c>email</c> property.</param>
/// <param name="FirstName">The <c>firstname</c> property.</param>
/// <param name="LastName">The <c>lastname</c> property.</param>
/// <param name="CreatedAt"><c>createdAt</c> and the <c>createdate</c> property.</param>
/// <param name="UpdatedAt"><c>updatedAt</c> and the <c>lastmodifieddate</c> property.</param>
/// <param name="Archived">Archived contacts are listed only with <c>archived=true</c>.</param>
public sealed record FakeContact(
    long Id,
    string Email,
    string FirstName,
    string LastName,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Archived = false);
