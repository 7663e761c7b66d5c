namespace Tributary.Server.Validation;

/// <summary>The change kinds named in <c>GET /records?filter=</c>; <see cref="None"/> means no filter.</summary>
[Flags]
internal enum RecordFilters
{
    None = 0,
    Added = 1,
    Updated = 2,
    Deleted = 4,
}
