"""DynamicFrame reduced to what our scripts use: a DataFrame behind toDF()/fromDF()."""


class DynamicFrame:
    def __init__(self, df, glue_ctx, name=""):
        self._df = df
        self.glue_ctx = glue_ctx
        self.name = name

    def toDF(self):
        return self._df

    def count(self):
        return self._df.count()

    @staticmethod
    def fromDF(dataframe, glue_ctx, name):
        return DynamicFrame(dataframe, glue_ctx, name)
