namespace Tributary.Storage;
