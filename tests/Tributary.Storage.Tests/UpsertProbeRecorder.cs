using System.Reflection;
using Tributary.Core.Ports;

namespace Tributary.Storage.Tests;

/// <summary>
/// An <see cref="IRecordStore"/> that forwards every call to a real store and notes each upsert's
/// <see cref="RecordWrite.ProbeUnchanged"/> and <see cref="RecordWrite.ExpectNew"/>.
/// </summary>
public class UpsertProbeRecorder : DispatchProxy
{
    private IRecordStore? _inner;

    public List<bool> Probes { get; } = [];

    public List<bool> ExpectedNew { get; } = [];

    /// <summary>For each batchSave's write: whether it was written while prepared (<see cref="IRecordStore.UpsertWhilePreparedAsync"/>).</summary>
    public List<bool> WhilePrepared { get; } = [];

    public static (IRecordStore Store, UpsertProbeRecorder Recorder) Wrap(IRecordStore inner)
    {
        var store = Create<IRecordStore, UpsertProbeRecorder>();
        var recorder = (UpsertProbeRecorder)(object)store;
        recorder._inner = inner;
        return (store, recorder);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name is nameof(IRecordStore.UpsertAsync) or nameof(IRecordStore.UpsertWhilePreparedAsync) && args?[0] is RecordWrite write)
        {
            Probes.Add(write.ProbeUnchanged);
            ExpectedNew.Add(write.ExpectNew);
            WhilePrepared.Add(targetMethod.Name == nameof(IRecordStore.UpsertWhilePreparedAsync));
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }
}
