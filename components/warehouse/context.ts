import * as pulumi from "@pulumi/pulumi";
import { StageContext } from "../shared/context";
import { ResolvedStreamingWarehouseSettings, StreamingWarehousePipelineArgs } from "./settings";

export interface StreamingWarehouseContext extends StageContext<StreamingWarehousePipelineArgs, ResolvedStreamingWarehouseSettings> {
  readonly accountId: pulumi.Output<string>;
}
