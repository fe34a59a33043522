/**
 * Amazon QuickSight: users are billed per account, not per resource. The
 * engine puts them on the stack's first `aws:quicksight/dataSource:DataSource`
 * (usage keys `readers`, `authors`); SPICE capacity goes on each
 * `aws:quicksight/dataSet:DataSet` imported into SPICE (`spice_gb`).
 * https://aws.amazon.com/quicksight/pricing/
 */
import { Estimator, line, strAt, use } from "./types";

export const quicksightDataSource: Estimator = {
  usageKeys: {
    readers: "QuickSight readers billed for the month.",
    authors: "QuickSight authors billed for the month.",
  },
  price({ usage, prices }) {
    return [...line(prices, "quicksight.readerMonth", "Readers", use(usage, "readers")), ...line(prices, "quicksight.authorMonth", "Authors", use(usage, "authors"))];
  },
};

export const quicksightDataSet: Estimator = {
  priceProps: ["importMode"],
  usageKeys: {
    spice_gb: "SPICE capacity the data set uses, in GB (billed when importMode is SPICE).",
  },
  price({ props, usage, prices }) {
    if ((strAt(props, "importMode") ?? "").toUpperCase() !== "SPICE") return [];
    return line(prices, "quicksight.spiceGbMonth", "SPICE capacity", use(usage, "spice_gb"));
  },
};
