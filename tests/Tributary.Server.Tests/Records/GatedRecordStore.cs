using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Ports;

namespace Tributary.Server.Tests.Records;

/// <summary>
/// Wraps the server's <see cref="IRecordStore"/>: <c>StreamPageAsync</c> hands out <see cref="OpenRows"/> rows and
/// then holds the database read open until the test calls <see cref="Release"/>. Every other call goes straight
/// to the real store.
/// </summary>
public class GatedRecordStore : DispatchProxy
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IRecordStore? _inner;

    public int OpenRows { get; private set; }

    /// <summary>Replaces the registered store with a gated one and returns the gate.</summary>
    public static GatedRecordStore Install(IServiceCollection services, int openRows)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IRecordStore));
        var proxy = Create<IRecordStore, GatedRecordStore>();
        var gate = (GatedRecordStore)(object)proxy;
        gate.OpenRows = openRows;
        services.Remove(registered);
        services.AddSingleton(provider =>
        {
            gate._inner = (IRecordStore)registered.ImplementationFactory!(provider);
            return proxy;
        });
        return gate;
    }

    public void Release() => _release.TrySetResult();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IRecordStore.StreamPageAsync))
        {
            var rows = _inner!.StreamPageAsync((RecordPageQuery)args![0]!, (CancellationToken)args[1]!);
            return GateAsync(rows, (CancellationToken)args[1]!);
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

    private async IAsyncEnumerable<RecordPageRow> GateAsync(IAsyncEnumerable<RecordPageRow> rows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var handedOut = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (handedOut == OpenRows)
            {
                // Bounded: a server that buffers the page never lets the test release the gate.
                await _release.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }

            handedOut++;
            yield return row;
        }
    }
}
