namespace Tributary.FakeProviders;

/// <summary>The deterministic starting contacts: the same for the same count, every run.</summary>
internal static class HubSpotSeed
{
    public static IEnumerable<FakeContact> Contacts(int count)
    {
        for (long id = 1; id <= count; id++)
        {
            var created = FakeClock.Epoch.AddMinutes(id);
            yield return new FakeContact(
                id,
                $"contact{id}@example.com",
                $"First{id}",
                $"Last{id}",
                created,
                created.AddSeconds(id * 7919 % 86_400));
        }
    }
}
