namespace Tributary.Contracts;
