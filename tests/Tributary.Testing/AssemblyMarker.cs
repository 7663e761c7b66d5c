namespace Tributary.Testing;
