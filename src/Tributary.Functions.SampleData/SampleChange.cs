namespace Tributary.Functions.SampleData;

/// <summary>What a generation does to one id of one model.</summary>
internal enum SampleChange
{
    None,
    Added,
    Updated,
    Deleted,
}
