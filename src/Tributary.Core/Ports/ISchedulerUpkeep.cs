namespace Tributary.Core.Ports;

/// <summary>What the scheduler asks of the database after it queued a backlog (a burst after an outage, a mass start).</summary>
public interface ISchedulerUpkeep
{
    /// <summary>
    /// Clears what a burst left behind in the schedules table, so that the idle ticks after it stay one short indexed
    /// read (PostgreSQL: a burst leaves one dead version per advanced schedule, each still in the due index).
    /// </summary>
    Task AfterBurstAsync(CancellationToken cancellationToken);
}
