using Tributary.Bench;

// The bench is a load generator sharing two cores with the servers: blocking database calls in the bare endpoint
// and 64 concurrent readers must not wait for the thread pool to grow.
ThreadPool.SetMinThreads(256, 256);
return await BenchRunner.RunAsync(args);
