"""Operations of the students app that span models or reach outside."""
