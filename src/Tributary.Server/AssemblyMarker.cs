namespace Tributary.Server;
