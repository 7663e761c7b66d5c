using Tributary.Core.Engine;

namespace Tributary.Core.Tests.Engine;

/// <summary>The process-wide release at rest (<see cref="ProcessMemory"/>); nothing else in this test process calls it.</summary>
public sealed class ProcessMemoryTests
{
    [Fact]
    public void ASecondReleaseWithinTheSpacing_IsSkipped_HoweverManyEnginesAsk()
    {
        Assert.True(ProcessMemory.Release());
        Assert.False(ProcessMemory.Release());
        Assert.False(ProcessMemory.Release());
    }
}
