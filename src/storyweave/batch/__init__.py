"""The batch engine: the per-article stages over many shards, locally or on Ray.

``shards`` lists the input shards; ``stages`` holds the stage code (read a
shard, then analyse and embed its articles) that both engines run unchanged;
``engines`` runs it in this process or on Ray Data and writes Parquet;
``load`` puts the Parquet rows into a store; ``runner`` ties these together
with a manifest so a killed run resumes; ``blocks`` links the loaded articles
block-wise in parallel.
"""
