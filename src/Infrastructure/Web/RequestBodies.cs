using System.Text.Json.Serialization;
using HaloBestie.Application.Clients;
using HaloBestie.Application.Conversation;
using HaloBestie.Application.Devices;
using HaloBestie.Application.Mitras;
using HaloBestie.Application.Pairing;
using HaloBestie.Application.Payments;
using HaloBestie.Application.Presence;
using HaloBestie.Application.Sessions;
using HaloBestie.Application.Settings;
using HaloBestie.Application.Staff;

namespace HaloBestie.Infrastructure.Web;

/// <summary>
/// The JSON bodies the two hosts read, described at compile time by System.Text.Json's source
/// generator (ADR 0036). The Request Delegate Generator's code asks for each body's metadata when
/// the route table is built, at start: by reflection that cost the internal host about 33 ms of
/// its start-up (67 ms in a traced start; most of it emitting and compiling accessors); from this
/// context it is read, not built. Only the metadata comes from here: the HTTP JSON options (camelCase, string enums, the
/// NUL-refusing string converter, the depth limit) apply at run time exactly as before, and a type
/// missing here still works through reflection. An architecture test fails when a route reads a
/// body not listed here.
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
// Public host
[JsonSerializable(typeof(SetDisplayName))]
[JsonSerializable(typeof(MarkMessagesRead.Body), TypeInfoPropertyName = "MarkMessagesReadBody")]
[JsonSerializable(typeof(SendMessage.Body), TypeInfoPropertyName = "SendMessageBody")]
[JsonSerializable(typeof(RegisterDevice.Body), TypeInfoPropertyName = "RegisterDeviceBody")]
[JsonSerializable(typeof(RequestPairing))]
[JsonSerializable(typeof(StartPayment))]
[JsonSerializable(typeof(ReportAppLifecycle))]
[JsonSerializable(typeof(SetMitraStatus))]
[JsonSerializable(typeof(EndMitraSession.Body), TypeInfoPropertyName = "EndMitraSessionBody")]
[JsonSerializable(typeof(EndMySession.Body), TypeInfoPropertyName = "EndMySessionBody")]
[JsonSerializable(typeof(RateSession.Body), TypeInfoPropertyName = "RateSessionBody")]
// Internal host
[JsonSerializable(typeof(ReinstateClient.Body), TypeInfoPropertyName = "ReinstateClientBody")]
[JsonSerializable(typeof(SuspendClient.Body), TypeInfoPropertyName = "SuspendClientBody")]
[JsonSerializable(typeof(AcknowledgeRiskFlag.Body), TypeInfoPropertyName = "AcknowledgeRiskFlagBody")]
[JsonSerializable(typeof(UpdateRiskPhrases))]
[JsonSerializable(typeof(DeactivateMitra.Body), TypeInfoPropertyName = "DeactivateMitraBody")]
[JsonSerializable(typeof(EditMitra.Body), TypeInfoPropertyName = "EditMitraBody")]
[JsonSerializable(typeof(RegisterMitra))]
[JsonSerializable(typeof(SetMitraCapacity.Body), TypeInfoPropertyName = "SetMitraCapacityBody")]
[JsonSerializable(typeof(CreatePackage))]
[JsonSerializable(typeof(UpdatePackage.Body), TypeInfoPropertyName = "UpdatePackageBody")]
[JsonSerializable(typeof(ForceMitraOffline.Body), TypeInfoPropertyName = "ForceMitraOfflineBody")]
[JsonSerializable(typeof(EndSessionByStaff.Body), TypeInfoPropertyName = "EndSessionByStaffBody")]
[JsonSerializable(typeof(RerouteSession.Body), TypeInfoPropertyName = "RerouteSessionBody")]
[JsonSerializable(typeof(UpdateSettings))]
[JsonSerializable(typeof(CreateStaff))]
[JsonSerializable(typeof(LogIn))]
[JsonSerializable(typeof(UpdateStaff.Body), TypeInfoPropertyName = "UpdateStaffBody")]
public sealed partial class RequestBodies : JsonSerializerContext;
