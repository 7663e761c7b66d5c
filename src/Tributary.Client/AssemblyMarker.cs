namespace Tributary.Client;
